/**
 * Flag definitions: one typed spec per flag, built with the helpers below. The spec decides how
 * text becomes a value (Go `flag` and vmagent `flagutil` rules), how the value is printed back
 * (Go `Value.String()`, used by `/flags` and the `flag` metric) and what `-help` shows.
 *
 * @module
 */

import { nsToMs, parseGoDuration } from "./go_duration.ts";
import { formatGoDurationNs } from "../util/duration.ts";
import { formatGoFloat } from "../util/go_strconv.ts";

/** Value kinds of single-valued flags. `password` is a string shown as `secret`. */
export type ScalarKind = "string" | "password" | "int" | "float" | "bool" | "duration" | "bytes";
/** Value kinds of array flags. */
export type ArrayKind = "string" | "int" | "bool" | "duration" | "bytes";

/** The TypeScript value of each kind; durations are milliseconds, sizes are bytes. */
export interface KindValue {
  /** Text. */
  string: string;
  /** Text (a password or key; may be `file://…` or `http(s)://…`, see {@linkcode passwordSource}). */
  password: string;
  /** Integer. */
  int: number;
  /** Float64. */
  float: number;
  /** Boolean. */
  bool: boolean;
  /** Milliseconds, possibly fractional (`500us` is 0.5). */
  duration: number;
  /** Bytes. */
  bytes: number;
}

/** A single-valued flag. */
export interface ScalarFlagSpec<K extends ScalarKind = ScalarKind> {
  /** Value kind. */
  readonly kind: K;
  /** Always false. */
  readonly array: false;
  /** Value when the flag is not given. */
  readonly default: KindValue[K];
  /** The default as Go prints it (`1m0s`, `16777216`, `INFO`). */
  readonly defaultText: string;
  /** Help text. */
  readonly description: string;
  /** Help text after the value, for defaults computed at start-up (`2*availableCPUs`). */
  readonly defaultHint?: string;
}

/** An array flag: repeated flags append; one value is split on commas. */
export interface ArrayFlagSpec<K extends ArrayKind = ArrayKind> {
  /** Item kind. */
  readonly kind: K;
  /** Always true. */
  readonly array: true;
  /**
   * The item default: what an empty item means, and what `getArg(i)` returns when there is no
   * item for `i` and not exactly one item in all.
   */
  readonly default: KindValue[K];
  /** The item default as Go prints it. */
  readonly defaultText: string;
  /** Help text. */
  readonly description: string;
  /** Help text after the default, for defaults computed at start-up. */
  readonly defaultHint?: string;
  /**
   * Items the program uses when the flag is not given at all (vmagent's `-httpListenAddr`
   * falls back to `:8429` in main). `/flags` and the `flag` metric still show the flag as empty,
   * as vmagent does.
   */
  readonly whenUnset?: readonly KindValue[K][];
}

/** Any flag spec. */
export type FlagSpec = ScalarFlagSpec | ArrayFlagSpec;
/** A table of flags by name. */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** The value type of one spec: the kind's value, or a read-only array of them. */
export type FlagValue<S extends FlagSpec> = S extends ArrayFlagSpec<infer K>
  ? readonly KindValue[K][]
  : S extends ScalarFlagSpec<infer K> ? KindValue[K]
  : never;
/** The item type of an array spec. */
export type FlagItem<S extends FlagSpec> = S extends ArrayFlagSpec<infer K> ? KindValue[K] : never;
/** Names of the array flags of a table. */
export type ArrayFlagName<T extends FlagSpecs> = {
  [N in keyof T]: T[N] extends ArrayFlagSpec ? N : never;
}[keyof T];
/** All values of a table, by flag name. */
export type FlagValues<T extends FlagSpecs> = { readonly [N in keyof T]: FlagValue<T[N]> };

/** Optional parts of a spec. */
export interface SpecOptions {
  /** Shown in `-help` after the default value: `(default 4 = 2*availableCPUs)`. */
  defaultHint?: string;
}

function scalar<K extends ScalarKind>(
  kind: K,
  def: KindValue[K],
  defaultText: string,
  description: string,
  opts?: SpecOptions,
): ScalarFlagSpec<K> {
  return Object.freeze({ kind, array: false, default: def, defaultText, description, ...opts });
}

function array<K extends ArrayKind>(
  kind: K,
  def: KindValue[K],
  defaultText: string,
  description: string,
  opts?: SpecOptions & { whenUnset?: readonly KindValue[K][] },
): ArrayFlagSpec<K> {
  return Object.freeze({ kind, array: true, default: def, defaultText, description, ...opts });
}

/**
 * Declares a string flag (Go `flag.String`) whose `-help` default is the text itself.
 *
 * @example
 * ```ts
 * stringFlag("", "Path to the Prometheus-compatible scrape config file");
 * // { kind: "string", array: false, default: "", defaultText: "", description: "Path to ..." }
 * ```
 */
export function stringFlag(def: string, description: string): ScalarFlagSpec<"string"> {
  return scalar("string", def, def, description);
}

/**
 * Declares a password or auth key flag (vmagent `flagutil.NewPassword`): empty by default, always
 * shown as `secret`.
 *
 * @example
 * ```ts
 * passwordFlag("Password for Basic Auth on the HTTP server");
 * // { kind: "password", array: false, default: "", defaultText: "secret", description: "Password ..." }
 * ```
 */
export function passwordFlag(description: string): ScalarFlagSpec<"password"> {
  return scalar("password", "", "secret", description);
}

/**
 * Declares an integer flag (Go `flag.Int`: base prefixes and `_` accepted when parsing).
 *
 * @example
 * ```ts
 * intFlag(0, "The maximum number of unique series each scrape target can expose; 0 = no limit");
 * // { kind: "int", array: false, default: 0, defaultText: "0", description: "..." }
 * ```
 */
export function intFlag(def: number, description: string): ScalarFlagSpec<"int"> {
  return scalar("int", def, String(def), description);
}

/**
 * Declares a float64 flag (Go `flag.Float64`); its `-help` default is formatted as Go prints floats.
 *
 * @example
 * ```ts
 * floatFlag(60, "Allowed percent of system memory VictoriaMetrics caches may occupy");
 * // { kind: "float", array: false, default: 60, defaultText: "60", description: "..." }
 * ```
 */
export function floatFlag(def: number, description: string): ScalarFlagSpec<"float"> {
  return scalar("float", def, formatGoFloat(def), description);
}

/**
 * Declares a boolean flag (Go `flag.Bool`).
 *
 * @example
 * ```ts
 * boolFlag(true, "Whether to deny unsupported fields in -promscrape.config");
 * // { kind: "bool", array: false, default: true, defaultText: "true", description: "..." }
 * ```
 */
export function boolFlag(def: boolean, description: string): ScalarFlagSpec<"bool"> {
  return scalar("bool", def, String(def), description);
}

/**
 * Declares a duration flag (Go `flag.Duration`); `def` is Go duration text such as `"1m"`; the
 * value is in milliseconds and `-help` shows the default as Go formats it.
 *
 * @example
 * ```ts
 * durationFlag("1m30s", "Interval for checking for changes in -promscrape.config");
 * // { kind: "duration", array: false, default: 90000, defaultText: "1m30s", description: "..." }
 * ```
 */
export function durationFlag(def: string, description: string): ScalarFlagSpec<"duration"> {
  const ns = parseGoDuration(def);
  return scalar("duration", nsToMs(ns), formatGoDurationNs(ns), description);
}

/**
 * Declares a size flag (vmagent `flagutil.NewBytes`: values such as `16MiB` or `1KB`); `def` in bytes.
 *
 * @example
 * ```ts
 * bytesFlag(16 * 1024 * 1024, "The maximum size of scrape response in bytes");
 * // { kind: "bytes", array: false, default: 16777216, defaultText: "16777216", description: "..." }
 * ```
 */
export function bytesFlag(def: number, description: string): ScalarFlagSpec<"bytes"> {
  return scalar("bytes", def, String(def), description);
}

/**
 * Declares a string array flag (vmagent `flagutil.NewArrayString`); a missing item is "".
 * `whenUnset` gives the items used when the flag is not given at all.
 *
 * @example
 * ```ts
 * stringArrayFlag("Remote storage URL to write data to", { whenUnset: [] });
 * // { kind: "string", array: true, default: "", defaultText: "", description: "...", whenUnset: [] }
 * ```
 */
export function stringArrayFlag(
  description: string,
  opts?: { whenUnset?: readonly string[] },
): ArrayFlagSpec<"string"> {
  return array("string", "", "", description, opts);
}

/**
 * Declares a boolean array flag (vmagent `flagutil.NewArrayBool`); a missing or empty item is false.
 *
 * @example
 * ```ts
 * boolArrayFlag("Whether to keep pending data only in memory");
 * // { kind: "bool", array: true, default: false, defaultText: "false", description: "..." }
 * ```
 */
export function boolArrayFlag(description: string): ArrayFlagSpec<"bool"> {
  return array("bool", false, "false", description);
}

/**
 * Declares an integer array flag (vmagent `flagutil.NewArrayInt`, base-10 items); `def` fills
 * missing items.
 *
 * @example
 * ```ts
 * intArrayFlag(2 * cpus, "The number of concurrent queues", { defaultHint: "2*availableCPUs" });
 * // with cpus = 4: { kind: "int", array: true, default: 8, defaultText: "8", description: "...",
 * //   defaultHint: "2*availableCPUs" }
 * ```
 */
export function intArrayFlag(
  def: number,
  description: string,
  opts?: SpecOptions,
): ArrayFlagSpec<"int"> {
  return array("int", def, String(def), description, opts);
}

/**
 * Declares a duration array flag (vmagent `flagutil.NewArrayDuration`); `def` is Go duration text,
 * the items are in milliseconds.
 *
 * @example
 * ```ts
 * durationArrayFlag("1m", "Timeout for sending one block to -remoteWrite.url");
 * // { kind: "duration", array: true, default: 60000, defaultText: "1m0s", description: "..." }
 * ```
 */
export function durationArrayFlag(def: string, description: string): ArrayFlagSpec<"duration"> {
  const ns = parseGoDuration(def);
  return array("duration", nsToMs(ns), formatGoDurationNs(ns), description);
}

/**
 * Declares a size array flag (vmagent `flagutil.NewArrayBytes`); `def` in bytes fills missing items.
 *
 * @example
 * ```ts
 * bytesArrayFlag(0, "The maximum file-based buffer size in bytes at -remoteWrite.tmpDataPath");
 * // { kind: "bytes", array: true, default: 0, defaultText: "0", description: "..." }
 * ```
 */
export function bytesArrayFlag(def: number, description: string): ArrayFlagSpec<"bytes"> {
  return array("bytes", def, String(def), description);
}

/** Where a password flag's value comes from, as vmagent's `Password` interprets it. */
export type PasswordSource =
  | { readonly type: "literal"; readonly value: string }
  | { readonly type: "file"; readonly path: string }
  | { readonly type: "url"; readonly url: string };

/**
 * Interprets a password flag value as vmagent does: `file://<path>` names a file (re-read by the
 * user of the flag), `http://` and `https://` a URL; anything else is the password itself.
 *
 * @example
 * ```ts
 * passwordSource("file:///etc/key"); // { type: "file", path: "/etc/key" }
 * ```
 */
export function passwordSource(value: string): PasswordSource {
  if (value.startsWith("file://")) return { type: "file", path: value.slice("file://".length) };
  if (value.startsWith("http://") || value.startsWith("https://")) {
    return { type: "url", url: value };
  }
  return { type: "literal", value };
}
