/**
 * Byte sizes as vmagent writes them (`flagutil.Bytes`, `flagutil.ParseBytes`): a number with an
 * optional suffix `KB MB GB TB` (powers of 1000) or `KiB MiB GiB TiB` (powers of 1024), in any
 * letter case: `16MiB`, `1GB`, `1.5kib`, `1024`. Used by `max_scrape_size`, the
 * `__max_scrape_size__` label and the size flags.
 *
 * @module
 */

import { GoParseError, goQuote } from "./go_strconv.ts";

const SUFFIXES: [string, number][] = [
  ["KB", 1e3],
  ["MB", 1e6],
  ["GB", 1e9],
  ["TB", 1e12],
  ["KiB", 1024],
  ["MiB", 1024 ** 2],
  ["GiB", 1024 ** 3],
  ["TiB", 1024 ** 4],
];

/** A size split at its suffix, as vmagent reads it before parsing the number. */
export interface SizeParts {
  /** The whole text as vmagent normalizes it: upper case except `i` (`1.5kib` -> `1.5KiB`). */
  text: string;
  /** The (normalized) text before the suffix; all of `text` when there is no suffix. */
  number: string;
  /** Bytes per unit of the suffix: 1000, 1024, ... up to 1024^4; 1 without a suffix. */
  multiplier: number;
}

/**
 * Splits a size as vmagent does: the text is upper-cased with `I` turned back into `i`, then a
 * known suffix at its end is cut off. The number is not checked.
 *
 * @example
 * ```ts
 * splitSize("1.5kib"); // { text: "1.5KiB", number: "1.5", multiplier: 1024 }
 * ```
 */
export function splitSize(text: string): SizeParts {
  const s = text.toUpperCase().replaceAll("I", "i");
  for (const [suffix, multiplier] of SUFFIXES) {
    if (s.endsWith(suffix)) return { text: s, number: s.slice(0, -suffix.length), multiplier };
  }
  return { text: s, number: s, multiplier: 1 };
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a size whose number is a plain decimal (`16MiB`, `1.5GB`, `-2`, `1e3KB`) into bytes,
 * truncated toward zero. Underscores, hex floats, `inf` and `nan` are not accepted here (the
 * size flags accept Go's full float syntax: `parseBytes` in `lib/flags/bytes_value.ts`).
 *
 * @throws {GoParseError} `strconv.ParseFloat: parsing "<number>": invalid syntax` when the text
 * before the suffix is not a decimal number (also for "" and a bare suffix).
 *
 * @example
 * ```ts
 * parseBytes("16MiB"); // 16777216
 * parseBytes("1.5kb"); // 1500
 * ```
 */
export function parseBytes(text: string): number {
  const { number, multiplier } = splitSize(text);
  if (!DECIMAL.test(number)) {
    throw new GoParseError(
      "syntax",
      `strconv.ParseFloat: parsing ${goQuote(number)}: invalid syntax`,
    );
  }
  return Math.trunc(Number(number) * multiplier);
}
