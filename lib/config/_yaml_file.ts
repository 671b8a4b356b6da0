/**
 * A parsed YAML document read the way Go's yaml.v2 unmarshals it into vmagent's structs,
 * with every problem turned into a {@linkcode ConfigError} naming the file, line, column
 * and field path of the node at fault.
 *
 * - YAML 1.1 rules (as yaml.v2): `yes`/`no`/`on`/`off` are booleans, `<<` merge keys work;
 * - a string field takes any scalar's text as written (`job_name: 123` is "123");
 * - `null` (or an empty value) means the field is absent;
 * - duplicate keys are an error when parsing strictly (yaml.v2's `UnmarshalStrict`, which
 *   vmagent uses unless `-promscrape.config.strictParse=false`); otherwise the last one wins.
 *
 * @module
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type Scalar,
  type YAMLMap,
} from "yaml";
import { ConfigError, type FieldPath, formatFieldPath } from "../util/field_error.ts";

/** Longest scalar text quoted whole in a type error. */
const MAX_DESCRIBED = 80;

const STRICT_HINT =
  "; pass -promscrape.config.strictParse=false command-line flag for ignoring unknown fields in yaml config";

/**
 * A secret in the re-marshalled config: `value` for fingerprints, `masked` for /config.
 *
 * @example
 * ```ts
 * const s = new SecretValue("hunter2");
 * s.value; // "hunter2"
 * s.masked; // "<secret>"
 * ```
 */
export class SecretValue {
  constructor(readonly value: string, readonly masked = "<secret>") {}
}

/** One key of a YAML map, after `<<` merges. */
export interface Entry {
  key: string;
  keyNode: Node;
  /** The value, aliases resolved; null when the YAML value is empty or `null`. */
  value: Node | null;
  order: number;
}

/** One item of a YAML list. */
export interface ListItem {
  /** The item, aliases resolved; null for a `null` item. */
  node: Node | null;
  path: FieldPath;
  /** The item as written, for error positions. */
  at: Node | null;
}

/**
 * A YAML document parsed with yaml.v2's rules (YAML 1.1, merge keys, no duplicate keys),
 * plus what is needed to report errors at file:line:column with a field path.
 *
 * @example
 * ```ts
 * const y = YamlFile.parse("job_name: 123\nhonor_labels: yes\n", { file: "p.yml", strict: true });
 * const e = y.entries(y.root as YAMLMap, []);
 * scalarText(e.get("job_name")!.value as Scalar); // "123"
 * YamlFile.parse("a: 1\na: 2\n", { file: "p.yml", strict: true });
 * // throws ConfigError 'p.yml:2:1: a: cannot parse YAML: duplicate key "a"'
 * ```
 */
export class YamlFile {
  readonly #lc: LineCounter;
  readonly #doc: Document.Parsed;

  private constructor(
    readonly file: string,
    doc: Document.Parsed,
    lc: LineCounter,
    readonly strict: boolean,
    readonly unknownFieldHint: string,
  ) {
    this.#doc = doc;
    this.#lc = lc;
  }

  /**
   * Parses `text`; throws a ConfigError at the first YAML syntax error.
   * `unknownFieldHint` is appended to unknown-field errors.
   */
  static parse(
    text: string,
    opts: { file: string; strict: boolean; unknownFieldHint?: string },
  ): YamlFile {
    const { file, strict, unknownFieldHint = STRICT_HINT } = opts;
    const lc = new LineCounter();
    const doc = parseDocument(text, {
      lineCounter: lc,
      version: "1.1",
      merge: true,
      uniqueKeys: strict,
      prettyErrors: false,
    });
    const y = new YamlFile(file, doc, lc, strict, unknownFieldHint);
    const err = doc.errors[0];
    if (err !== undefined) {
      const { line, col } = lc.linePos(err.pos[0]);
      let reason = err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
      if (err.code === "DUPLICATE_KEY") {
        const key = /^[^\s:,\]}]+|^"[^"]*"|^'[^']*'/.exec(text.slice(err.pos[0]))?.[0] ?? "";
        reason = `duplicate key ${
          key.startsWith('"') ? key : JSON.stringify(key.replace(/^'|'$/g, ""))
        }`;
      } else if (err.code === "MULTIPLE_DOCS") {
        // The library's wording names its own API; say what is wrong with the file instead.
        reason = "the file holds more than one YAML document (`---`); put everything in one";
      }
      const path = pathAt(doc.contents, err.pos[0], []);
      throw new ConfigError(
        file,
        line,
        col,
        path.length > 0 ? formatFieldPath(path) : "",
        `cannot parse YAML: ${reason}`,
      );
    }
    return y;
  }

  /** The document's top node, aliases resolved; null for an empty document. */
  get root(): Node | null {
    return this.resolve(this.#doc.contents);
  }

  /** Follows aliases; returns null for a missing node or a `null` scalar. */
  resolve(node: unknown): Node | null {
    let n = node;
    for (let i = 0; i < 100 && isAlias(n); i++) n = n.resolve(this.#doc) ?? null;
    if (n === null || n === undefined) return null;
    if (isScalar(n) && n.value === null) return null;
    return n as Node;
  }

  /** A ConfigError positioned at `node` (or with no position when it has none). */
  error(node: Node | null | undefined, path: FieldPath, reason: string): ConfigError {
    const off = node?.range?.[0];
    const fieldPath = path.length === 0 ? "" : formatFieldPath(path);
    if (off === undefined) return new ConfigError(this.file, 0, 0, fieldPath, reason);
    const { line, col } = this.#lc.linePos(off);
    return new ConfigError(this.file, line, col, fieldPath, reason);
  }

  /** Map entries of `node` with `<<` merges applied (explicit keys win over merged ones). */
  entries(node: YAMLMap, path: FieldPath): Map<string, Entry> {
    const out = new Map<string, Entry>();
    const merged: Entry[] = [];
    let order = 0;
    for (const pair of node.items) {
      const keyNode = this.resolve(pair.key);
      if (keyNode === null || !isScalar(keyNode)) {
        throw this.error(pair.key as Node, path, "map keys must be strings");
      }
      const key = scalarText(keyNode);
      if (key === "<<" && !(keyNode as Scalar).type?.startsWith("QUOTE")) {
        const src = this.resolve(pair.value);
        const maps = src !== null && isSeq(src) ? src.items.map((n) => this.resolve(n)) : [src];
        for (const m of maps) {
          if (m === null || !isMap(m)) {
            throw this.error(
              m ?? keyNode,
              path,
              "`<<` merge value must be a map or a list of maps",
            );
          }
          for (const e of this.entries(m, path).values()) merged.push({ ...e, order: order++ });
        }
        continue;
      }
      out.set(key, { key, keyNode, value: this.resolve(pair.value), order: order++ });
    }
    for (const e of merged) if (!out.has(e.key)) out.set(e.key, e);
    return out;
  }

  /** The items of list `node` at `path` (null: no items); throws when it is not a list. */
  listItems(node: Node | null, path: FieldPath): ListItem[] {
    if (node === null) return [];
    if (!isSeq(node)) {
      const what = path.length === 0 ? "the top-level value must be a list" : "must be a list";
      throw this.error(node, path, `${what}; got ${describe(node)}`);
    }
    return node.items.map((item, i) => ({
      node: this.resolve(item),
      path: [...path, i],
      at: (item as Node | null) ?? node,
    }));
  }

  /**
   * Converts a node to plain JS for sub-parsers (relabel rules): maps become objects (merges
   * applied), lists arrays, scalars their text as written; `keepNumbers` keys keep numbers.
   */
  toPlain(node: Node | null, opts: { keepNumbers?: readonly string[] } = {}): unknown {
    const keep = opts.keepNumbers ?? [];
    if (node === null) return null;
    if (isSeq(node)) return node.items.map((n) => this.toPlain(this.resolve(n), opts));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const e of sortedEntries(this.entries(node, []))) {
        const v = e.value;
        out[e.key] =
          v !== null && isScalar(v) && keep.includes(e.key) && typeof v.value === "number"
            ? v.value
            : this.toPlain(v, opts);
      }
      return out;
    }
    return isScalar(node) ? scalarText(node) : null;
  }

  /** The deepest existing node along `path` from `node` (to position sub-parser errors). */
  nodeAt(node: Node | null, path: FieldPath): Node | null {
    let cur = node;
    for (const p of path) {
      if (cur === null) break;
      let next: Node | null | undefined;
      if (typeof p === "number" && isSeq(cur)) next = this.resolve(cur.items[p]);
      else if (typeof p === "string" && isMap(cur)) {
        const e = this.entries(cur, []).get(p);
        next = e === undefined ? undefined : (e.value ?? e.keyNode);
      }
      if (next === undefined || next === null) break;
      cur = next;
    }
    return cur;
  }
}

function contains(node: unknown, off: number): boolean {
  const r = (node as Node | null)?.range;
  return r !== undefined && r !== null && r[0] <= off && off < Math.max(r[2], r[0] + 1);
}

/** The field path of the innermost node at text offset `off` (for YAML syntax errors). */
function pathAt(node: unknown, off: number, path: FieldPath): FieldPath {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? scalarText(pair.key) : undefined;
      if (key === undefined) continue;
      if (contains(pair.key, off)) return [...path, key];
      if (contains(pair.value, off)) return pathAt(pair.value, off, [...path, key]);
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      if (contains(node.items[i], off)) return pathAt(node.items[i], off, [...path, i]);
    }
  }
  return path;
}

/**
 * The text of a scalar as a Go string field would receive it: strings as they are,
 * other scalars as written in the source.
 *
 * @example
 * ```ts
 * // for "job_name: 123\nhonor_labels: yes"
 * scalarText(jobNameNode); // "123"
 * scalarText(honorLabelsNode); // "yes" (its value is the boolean true)
 * ```
 */
export function scalarText(n: Scalar): string {
  if (typeof n.value === "string") return n.value;
  return n.source ?? String(n.value);
}

/**
 * Describes a node for type errors: `a map`, `a list`, or the quoted scalar text (its first
 * 80 characters and `...` when longer).
 *
 * @example
 * ```ts
 * throw y.error(node, path, `must be a list; got ${describe(node)}`);
 * // describe(...) is "a map" for {x: 1}, '"30s"' for the scalar 30s
 * ```
 */
export function describe(node: Node): string {
  if (isMap(node)) return "a map";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    // A file that is not YAML at all parses as one long scalar: quote only its start.
    const text = scalarText(node);
    return text.length > MAX_DESCRIBED
      ? `${JSON.stringify(text.slice(0, MAX_DESCRIBED))}...`
      : JSON.stringify(text);
  }
  return "an unsupported YAML node";
}

/**
 * Lists map entries in source order (merged `<<` entries where the merge key was).
 *
 * @example
 * ```ts
 * // for "base: &b {a: 1, b: 2}\nj: {<<: *b, b: 3, c: 4}", entries of j:
 * sortedEntries(y.entries(j, ["j"])).map((e) => e.key); // ["a", "b", "c"]
 * ```
 */
export function sortedEntries(entries: Map<string, Entry>): Entry[] {
  return [...entries.values()].sort((a, b) => a.order - b.order);
}
