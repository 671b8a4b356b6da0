/**
 * Field-by-field reading of one YAML map of a known shape (a vmagent struct): typed
 * accessors, strict unknown-field checks, and the re-marshalled form for `/config`.
 *
 * @module
 */
import { isMap, isScalar, isSeq, type Node, type Scalar } from "yaml";
import type { ConfigError, FieldPath } from "../util/field_error.ts";
import {
  describe,
  type Entry,
  type ListItem,
  scalarText,
  SecretValue,
  sortedEntries,
  type YamlFile,
} from "./_yaml_file.ts";

/**
 * Reads one YAML map of a known shape with typed accessors that throw positioned
 * ConfigErrors, rejects unknown fields in strict mode, and records what it read for
 * `/config`. Create with {@linkcode readMap}.
 *
 * @example
 * ```ts
 * // y holds "job_name: node\nsample_limit: 100\n"
 * const r = readMap(y, { node: y.root, path: ["scrape_configs", 0], at: y.root }, {
 *   known: ["job_name", "sample_limit"],
 * });
 * r.string("job_name"); // "node"
 * r.int("sample_limit"); // 100
 * r.int("job_name"); // throws 'p.yml:1:11: scrape_configs[0].job_name: must be an integer; got "node"'
 * r.output(); // { job_name: "node", sample_limit: 100 }
 * ```
 */
export class MapReader {
  readonly #entries: Map<string, Entry>;
  readonly #out = new Map<string, { order: number; value: unknown }>();

  constructor(
    readonly y: YamlFile,
    readonly mapNode: Node | null,
    readonly path: FieldPath,
    known: readonly string[],
    readonly at: Node | null = mapNode,
  ) {
    this.#entries = mapNode !== null && isMap(mapNode) ? y.entries(mapNode, path) : new Map();
    if (!y.strict) return;
    for (const e of this.#entries.values()) {
      if (!known.includes(e.key)) {
        throw y.error(
          e.keyNode,
          [...path, e.key],
          `unknown field ${JSON.stringify(e.key)}${y.unknownFieldHint}`,
        );
      }
    }
  }

  /** Whether `key` is present with a non-null value. */
  has(key: string): boolean {
    return (this.#entries.get(key)?.value ?? null) !== null;
  }

  /** The value node of `key`, or null when it is absent or null. */
  node(key: string): Node | null {
    return this.#entries.get(key)?.value ?? null;
  }

  /** A ConfigError at `key` (its value, else its key, else this map). */
  fail(key: string, reason: string): ConfigError {
    const e = this.#entries.get(key);
    return this.y.error(e?.value ?? e?.keyNode ?? this.at, [...this.path, key], reason);
  }

  /** A ConfigError at this map itself. */
  failHere(reason: string): ConfigError {
    return this.y.error(this.at, this.path, reason);
  }

  /** Records `value` under `key` in the re-marshalled config. */
  put(key: string, value: unknown): void {
    const order = this.#entries.get(key)?.order ?? Number.MAX_SAFE_INTEGER;
    this.#out.set(key, { order, value });
  }

  /** The re-marshalled map: recorded keys in source order. */
  output(): Record<string, unknown> {
    const items = [...this.#out.entries()].sort((a, b) => a[1].order - b[1].order);
    return Object.fromEntries(items.map(([k, v]) => [k, v.value]));
  }

  #scalar(key: string, what: string): Scalar | undefined {
    const n = this.node(key);
    if (n === null) return undefined;
    if (!isScalar(n)) throw this.fail(key, `must be ${what}; got ${describe(n)}`);
    return n;
  }

  /** A string field; secrets are marshalled as `<secret>`. */
  string(key: string, opts: { secret?: boolean } = {}): string | undefined {
    const n = this.#scalar(key, "a string");
    if (n === undefined) return undefined;
    const s = scalarText(n);
    this.put(key, opts.secret ? new SecretValue(s) : s);
    return s;
  }

  /** A boolean field. */
  bool(key: string): boolean | undefined {
    const n = this.#scalar(key, "a boolean");
    if (n === undefined) return undefined;
    if (typeof n.value !== "boolean") throw this.fail(key, `must be a boolean; got ${describe(n)}`);
    this.put(key, n.value);
    return n.value;
  }

  /** An integer field. */
  int(key: string): number | undefined {
    const n = this.#scalar(key, "an integer");
    if (n === undefined) return undefined;
    if (typeof n.value !== "number" || !Number.isSafeInteger(n.value)) {
      throw this.fail(key, `must be an integer; got ${describe(n)}`);
    }
    this.put(key, n.value);
    return n.value;
  }

  /** A list of strings. */
  stringList(key: string): string[] | undefined {
    const n = this.node(key);
    if (n === null) return undefined;
    if (!isSeq(n)) throw this.fail(key, `must be a list of strings; got ${describe(n)}`);
    const out = n.items.map((item, i) => {
      const v = this.y.resolve(item);
      if (v === null) return "";
      if (!isScalar(v)) {
        throw this.y.error(v, [...this.path, key, i], `must be a string; got ${describe(v)}`);
      }
      return scalarText(v);
    });
    this.put(key, out);
    return out;
  }

  /** A map of strings, in source order; null values are "". */
  stringMap(key: string, opts: { secretValues?: boolean } = {}): [string, string][] | undefined {
    const n = this.node(key);
    if (n === null) return undefined;
    if (!isMap(n)) throw this.fail(key, `must be a map of strings; got ${describe(n)}`);
    const out: [string, string][] = [];
    for (const e of sortedEntries(this.y.entries(n, [...this.path, key]))) {
      if (e.value !== null && !isScalar(e.value)) {
        throw this.y.error(
          e.value,
          [...this.path, key, e.key],
          `must be a string; got ${describe(e.value)}`,
        );
      }
      out.push([e.key, e.value === null ? "" : scalarText(e.value)]);
    }
    this.put(
      key,
      Object.fromEntries(out.map(([k, v]) => [k, opts.secretValues ? new SecretValue(v) : v])),
    );
    return out;
  }

  /** A nested map of the given known fields; undefined when absent. */
  map(key: string, known: readonly string[]): MapReader | undefined {
    const n = this.node(key);
    if (n === null) return undefined;
    if (!isMap(n)) throw this.fail(key, `must be a map; got ${describe(n)}`);
    return new MapReader(this.y, n, [...this.path, key], known);
  }

  /**
   * The items of a list field; [] when absent. `node` is null for a null item, `at` is
   * the item as written (for error positions).
   */
  list(key: string): ListItem[] {
    const n = this.node(key);
    if (n !== null && !isSeq(n)) throw this.fail(key, `must be a list; got ${describe(n)}`);
    return this.y.listItems(n, [...this.path, key]);
  }
}

/**
 * Creates a {@linkcode MapReader} over a list item, which must be a map (or null, read
 * as an empty map); throws a ConfigError at the item otherwise, or at an unknown field
 * when the file is parsed strictly.
 *
 * @example
 * ```ts
 * for (const item of r.list("static_configs")) {
 *   const s = readMap(r.y, item, { known: ["targets", "labels"] });
 *   s.stringList("targets"); // e.g. ["host:9100"]
 * }
 * ```
 */
export function readMap(
  y: YamlFile,
  item: ListItem,
  opts: { known: readonly string[] },
): MapReader {
  if (item.node !== null && !isMap(item.node)) {
    const what = item.path.length === 0 ? "the top-level value must be a map" : "must be a map";
    throw y.error(item.node, item.path, `${what}; got ${describe(item.node)}`);
  }
  return new MapReader(y, item.node, item.path, opts.known, item.at);
}
