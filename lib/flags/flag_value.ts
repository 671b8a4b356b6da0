/**
 * The mutable value of one flag while arguments and environment are applied: Go's
 * `flag.Value.Set` and `String()` for each kind of {@linkcode FlagSpec}.
 *
 * @module
 */

import { formatStringArray, splitArrayValue } from "./array_value.ts";
import { parseBytes } from "./bytes_value.ts";
import type { ArrayFlagSpec, FlagSpec, KindValue, ScalarFlagSpec } from "./flag_spec.ts";
import { nsToMs, parseGoDuration } from "./go_duration.ts";
import { formatGoDurationNs } from "../util/duration.ts";
import { formatGoFloat, GoParseError, parseGoAtoi, parseGoBool } from "../util/go_strconv.ts";
import { parseGoFloat, parseGoInt } from "../util/go_strconv.ts";

type Item = KindValue[keyof KindValue];

/** One parsed item and its printed form. */
interface Parsed {
  value: Item;
  text: string;
}

/**
 * Go's built-in flag types hide strconv's wording behind `parse error` / `value out of range`;
 * vmagent's own types (sizes, arrays) pass the underlying error through.
 */
function builtinError(err: unknown): Error {
  if (err instanceof GoParseError) {
    return new Error(err.kind === "range" ? "value out of range" : "parse error");
  }
  return err as Error;
}

function parseScalar(spec: ScalarFlagSpec, text: string): Parsed {
  switch (spec.kind) {
    case "string":
      return { value: text, text };
    case "password":
      return { value: text, text: "secret" };
    case "bytes": {
      const b = parseBytes(text);
      return { value: b.n, text: b.text };
    }
  }
  try {
    switch (spec.kind) {
      case "int": {
        const n = parseGoInt(text);
        return { value: n, text: String(n) };
      }
      case "float": {
        const f = parseGoFloat(text);
        return { value: f, text: formatGoFloat(f) };
      }
      case "bool": {
        const b = parseGoBool(text);
        return { value: b, text: String(b) };
      }
      case "duration": {
        const ns = parseGoDuration(text);
        return { value: nsToMs(ns), text: formatGoDurationNs(ns) };
      }
    }
  } catch (err) {
    throw builtinError(err);
  }
}

function parseItem(spec: ArrayFlagSpec, item: string): Parsed {
  // vmagent: an empty item takes the flag default (false for bools, "" for strings).
  const text = item === "" ? spec.defaultText : item;
  switch (spec.kind) {
    case "string":
      return { value: item, text: item };
    case "bool": {
      const b = parseGoBool(text);
      return { value: b, text: String(b) };
    }
    case "int": {
      const n = parseGoAtoi(text);
      return { value: n, text: String(n) };
    }
    case "duration": {
      const ns = parseGoDuration(text);
      return { value: nsToMs(ns), text: formatGoDurationNs(ns) };
    }
    case "bytes": {
      const b = parseBytes(text);
      return { value: b.n, text: b.text };
    }
  }
}

/**
 * Holds one flag while parsing: applies values as Go's `Value.Set` does and keeps the
 * typed value, how Go prints it, and whether something set it.
 *
 * @example
 * ```ts
 * const st = new FlagValueState(durationFlag("1m", "Timeout"));
 * st.value(); // 60000 (the default); st.isSet === false
 * st.set("90s");
 * st.value(); // 90000
 * st.text(); // "1m30s"
 * ```
 */
export class FlagValueState {
  /** The flag definition. */
  readonly spec: FlagSpec;
  #set = false;
  #scalar: Parsed;
  #items: Parsed[] = [];

  constructor(spec: FlagSpec) {
    this.spec = spec;
    this.#scalar = { value: spec.default, text: spec.defaultText };
  }

  /** Whether a command-line argument or an environment variable set the flag. */
  get isSet(): boolean {
    return this.#set;
  }

  /** Whether Go treats the flag as boolean (`-name` alone means true). */
  get isBool(): boolean {
    return this.spec.kind === "bool";
  }

  /**
   * Applies one value, as Go's `Value.Set`: a scalar is replaced, an array gets the value's
   * items appended. Throws an `Error` with Go's wording when the text is invalid; the state is
   * then unchanged.
   */
  set(text: string): void {
    if (this.spec.array) {
      const spec = this.spec;
      const parsed = splitArrayValue(text).map((item) => parseItem(spec, item));
      this.#items.push(...parsed);
    } else {
      this.#scalar = parseScalar(this.spec, text);
    }
    this.#set = true;
  }

  /** The typed value: a scalar, or a frozen array of items. */
  value(): Item | readonly Item[] {
    if (!this.spec.array) return this.#scalar.value;
    if (!this.#set && this.spec.whenUnset !== undefined) return this.spec.whenUnset;
    return Object.freeze(this.#items.map((p) => p.value));
  }

  /** The value as Go's `Value.String()` prints it (the text of `/flags` and `flag{value}`). */
  text(): string {
    if (!this.spec.array) return this.#scalar.text;
    if (this.spec.kind === "string") return formatStringArray(this.#items.map((p) => p.text));
    return this.#items.map((p) => p.text).join(",");
  }
}
