/**
 * Errors raised while validating parsed configuration. A parser of a part of the
 * config (relabel rules, an SD config, ...) throws a {@linkcode FieldError} with
 * the path of the bad field relative to what it was given; the config loader
 * prefixes its own path and maps it to the file, line and column.
 *
 * @module
 */

/** A path into a YAML document: object keys and array indexes. */
export type FieldPath = (string | number)[];

/**
 * A validation error at a field path, relative to the value being parsed.
 *
 * @example
 * ```ts
 * const err = new FieldError(["relabel_configs", 0, "regex"], "cannot parse regex");
 * err.message; // "relabel_configs[0].regex: cannot parse regex"
 * err.withPrefix(["scrape_configs", 2]).message;
 * // "scrape_configs[2].relabel_configs[0].regex: cannot parse regex"
 * ```
 */
export class FieldError extends Error {
  /** The path to the bad field, relative to the value that was being parsed. */
  readonly path: FieldPath;
  /** The message without the path. */
  readonly reason: string;

  constructor(path: FieldPath, reason: string) {
    super(`${formatFieldPath(path)}: ${reason}`);
    this.name = "FieldError";
    this.path = path;
    this.reason = reason;
  }

  /** Returns a copy with `prefix` put in front of the path. */
  withPrefix(prefix: FieldPath): FieldError {
    return new FieldError([...prefix, ...this.path], this.reason);
  }
}

/**
 * Formats a path as `scrape_configs[2].relabel_configs[0].regex`.
 *
 * @example
 * ```ts
 * formatFieldPath(["scrape_configs", 2, "regex"]); // "scrape_configs[2].regex"
 * ```
 */
export function formatFieldPath(path: FieldPath): string {
  let s = "";
  for (const p of path) {
    if (typeof p === "number") s += `[${p}]`;
    else s += s === "" ? p : `.${p}`;
  }
  return s === "" ? "(root)" : s;
}

/**
 * A config error with the file, line and column where it was found (line 0: position unknown).
 *
 * @example
 * ```ts
 * const path = "scrape_configs[2].relabel_configs[0].regex";
 * new ConfigError("prometheus.yml", 12, 7, path, "cannot parse regex").message;
 * // "prometheus.yml:12:7: scrape_configs[2].relabel_configs[0].regex: cannot parse regex"
 * new ConfigError("prometheus.yml", 0, 0, "", "cannot read file").message;
 * // "prometheus.yml: cannot read file"
 * ```
 */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly fieldPath: string,
    readonly reason: string,
  ) {
    super(
      `${file}${line > 0 ? `:${line}:${column}` : ""}: ${
        fieldPath === "" ? "" : `${fieldPath}: `
      }${reason}`,
    );
    this.name = "ConfigError";
  }
}
