/**
 * vmagent's size flags (`flagutil.Bytes`): a number with an optional suffix `KB MB GB TB`
 * (powers of 1000) or `KiB MiB GiB TiB` (powers of 1024), any letter case, e.g. `16MiB`, `1GB`,
 * `1.5KiB`, `1e6`.
 *
 * @module
 */

import { splitSize } from "../util/bytes.ts";
import { GoParseError, goQuote, parseGoFloat } from "../util/go_strconv.ts";

/** A parsed size: the byte count and the text vmagent shows for it (`/flags`, metrics). */
export interface BytesValue {
  /** Size in bytes, truncated toward zero like Go's `int64(f)`. */
  n: number;
  /** The normalized text as vmagent prints it back: letters upper case except `i`. */
  text: string;
}

const INT64_LIMIT = 2 ** 63;

/**
 * Parses a size as vmagent's `Bytes.Set`: the empty string is 0; otherwise the text is split as
 * `splitSize` in `lib/util/bytes.ts` does and the suffix multiplies the Go float before it
 * (`1_000KB` is accepted, as by `strconv.ParseFloat`).
 *
 * Unlike vmagent, `inf`/`nan` and sizes of 2^63 bytes or more are rejected instead of wrapping.
 *
 * @example
 * ```ts
 * parseBytes("1.5kib"); // { n: 1536, text: "1.5KiB" }
 * ```
 */
export function parseBytes(value: string): BytesValue {
  if (value === "") return { n: 0, text: "" };
  const { text, number, multiplier } = splitSize(value);
  const f = parseGoFloat(number) * multiplier;
  if (!Number.isFinite(f) || Math.abs(f) >= INT64_LIMIT) {
    throw new GoParseError("range", `size ${goQuote(value)} is out of range`);
  }
  return { n: Math.trunc(f) + 0, text };
}
