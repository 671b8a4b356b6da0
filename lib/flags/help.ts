/**
 * `-help` text in the layout of Go's `flag.PrintDefaults`, as vmagent prints it: flags sorted by
 * name, each as `  -name type` then the description indented by four spaces and a tab, ending in
 * `(default …)` when the default is not the type's zero value.
 *
 * @module
 */

import type { FlagSpec, FlagSpecs, ScalarKind } from "./flag_spec.ts";
import { goQuote } from "../util/go_strconv.ts";

/** The word after the flag name: Go's name for the value type (none for booleans). */
function typeName(spec: FlagSpec): string {
  if (spec.array) return "array";
  const names: Record<ScalarKind, string> = {
    string: "string",
    password: "value",
    int: "int",
    float: "float",
    bool: "",
    duration: "duration",
    bytes: "size",
  };
  return names[spec.kind];
}

/** Go's `String()` of a zero value of each kind; a default equal to it is not printed. */
const ZERO_TEXT: Record<ScalarKind, string> = {
  string: "",
  password: "secret",
  int: "0",
  float: "0",
  bool: "false",
  duration: "0s",
  bytes: "",
};

const SIZE_NOTE = "Accepts the size suffixes KB, MB, GB, TB, KiB, MiB, GiB, TiB";
const ARRAY_NOTE = "Accepts an array: repeat the flag or separate items with commas.";

/**
 * Builds the full `-help` description of a flag: its own text plus notes on what its
 * type accepts (size suffixes, file/URL passwords, array syntax, per-item default).
 *
 * @example
 * ```ts
 * flagUsage("promscrape.config", stringFlag("", "Path.")); // "Path."
 * flagUsage("remoteWrite.disableOnDiskQueue", boolArrayFlag("Memory only."));
 * // "Memory only.\nAccepts an array: repeat the flag or separate items with commas.\n" +
 * //   "An empty item means false."
 * ```
 */
export function flagUsage(name: string, spec: FlagSpec): string {
  let s = spec.description;
  const withHint = spec.defaultHint === undefined
    ? spec.defaultText
    : `${spec.defaultText} = ${spec.defaultHint}`;
  if (!spec.array) {
    if (spec.kind === "bytes") s += "\n" + SIZE_NOTE;
    if (spec.kind === "password") {
      s += `\nThe value can be read from a file with -${name}=file:///abs/path or ` +
        `-${name}=file://./relative/path, or from a URL with -${name}=http://host/path or ` +
        `-${name}=https://host/path`;
    }
    return s;
  }
  switch (spec.kind) {
    case "string":
      return s + `\n${ARRAY_NOTE}\nCommas inside single or double quotes, {}, [] and () ` +
        "do not split items.";
    case "bool":
      return s + `\n${ARRAY_NOTE}\nAn empty item means false.`;
    case "bytes":
      s += "\n" + SIZE_NOTE;
  }
  return s + ` (default ${withHint})\n${ARRAY_NOTE}\nAn empty item takes the default value.`;
}

/**
 * Formats one flag's `-help` entry the way Go's `flag.PrintDefaults` does: name and
 * type, then the indented description and a `(default …)` unless it is the zero value.
 *
 * @example
 * ```ts
 * formatFlagHelp("httpListenAddr", stringFlag(":8429", "Address to listen on."));
 * // '  -httpListenAddr string\n    \tAddress to listen on. (default ":8429")\n'
 * ```
 */
export function formatFlagHelp(name: string, spec: FlagSpec): string {
  let b = `  -${name}`;
  const t = typeName(spec);
  if (t !== "") b += " " + t;
  // Go puts the usage of one-letter boolean flags on the same line.
  b += b.length <= 4 ? "\t" : "\n    \t";
  b += flagUsage(name, spec).replaceAll("\n", "\n    \t");
  if (!spec.array && spec.defaultText !== ZERO_TEXT[spec.kind]) {
    const shown = spec.kind === "string" ? goQuote(spec.defaultText) : spec.defaultText;
    b += spec.defaultHint === undefined
      ? ` (default ${shown})`
      : ` (default ${shown} = ${spec.defaultHint})`;
  }
  return b + "\n";
}

/**
 * Formats `-help`: the program summary, then every flag sorted by name (byte order, as Go).
 *
 * @example
 * ```ts
 * formatHelp({ dryRun: boolFlag(false, "Check configs and exit") }, { summary: "\nagent\n" });
 * // "\nagent\n  -dryRun\n    \tCheck configs and exit\n"
 * ```
 */
export function formatHelp(specs: FlagSpecs, opts: { summary: string }): string {
  let out = opts.summary;
  for (const name of sortedNames(specs)) out += formatFlagHelp(name, specs[name]);
  return out;
}

/**
 * Lists flag names in Go's order: plain string comparison, so upper case sorts before
 * lower case.
 *
 * @example
 * ```ts
 * sortedNames({ b: boolFlag(false, ""), B: boolFlag(false, ""), a: boolFlag(false, "") }); // ["B", "a", "b"]
 * ```
 */
export function sortedNames(specs: FlagSpecs): string[] {
  return Object.keys(specs).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
