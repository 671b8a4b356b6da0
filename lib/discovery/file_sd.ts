/**
 * `file_sd_configs`: target groups read from JSON or YAML files (globs allowed), re-read
 * every `-promscrape.fileSDCheckInterval`. A file that becomes unreadable or invalid keeps
 * its last good groups (logged, and shown on the status pages); a file that a glob no
 * longer matches is forgotten.
 *
 * @module
 */
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import type { FileSDConfig } from "../config/types.ts";
import { type EnvLookup, expandEnvTemplate } from "../util/envtemplate.ts";
import { realSleep, type Sleep } from "../util/clock.ts";
import { getLogger, type Logger } from "../util/log.ts";
import { globPaths } from "../config/glob.ts";
import { isHTTPURL } from "../config/_path.ts";
import { redactUrls } from "../util/redact_urls.ts";
import type { DiscoveredGroup, Discoverer } from "./types.ts";

/** The file system calls file_sd needs (injected in tests). */
export interface FileSDFileSystem {
  /** Reads a whole file (or an http(s) URL); throws on failure. */
  readTextFile(path: string): Promise<string>;
  /** Names in a folder (for globs); throws on failure. */
  readDir(path: string): Promise<string[]>;
}

/** Options of {@linkcode FileSDDiscoverer}. */
export interface FileSDOptions {
  /** The config file's folder: `__meta_filepath` is relative to it when under it. @default "" */
  baseDir?: string;
  /** For log lines. @default "" */
  jobName?: string;
  /** `-promscrape.fileSDCheckInterval` in milliseconds. @default 60000 */
  checkInterval?: number;
  /** Reads the files. @default Deno's file system, and `fetch` for http(s) paths */
  fs?: FileSDFileSystem;
  /** Waits between checks. @default a timer */
  sleep?: Sleep;
  /** For `%{ENV}` placeholders. @default Deno.env.get */
  lookupEnv?: EnvLookup;
  /** Where errors are logged. @default getLogger("promscrape") */
  log?: Logger;
}

/**
 * The real file system for file_sd: files through Deno, `http(s)://` paths through `fetch`
 * (a non-2xx status throws).
 *
 * @example
 * ```ts
 * const d = new FileSDDiscoverer({ files: ["targets/*.json"] }, { fs: denoFileSystem }); // the default
 * await denoFileSystem.readDir("/etc/vmagent/targets"); // e.g. ["a.json", "b.yml"]
 * ```
 */
export const denoFileSystem: FileSDFileSystem = {
  async readTextFile(path) {
    if (isHTTPURL(path)) {
      let resp: Response;
      try {
        resp = await fetch(path);
      } catch (e) {
        const cause = (e as Error).cause;
        const detail = cause instanceof Error ? `: ${cause.message}` : "";
        throw new Error(
          redactUrls(
            `cannot fetch ${JSON.stringify(path)}: ${(e as Error).message}${detail}`,
            { query: true },
          ),
        );
      }
      if (!resp.ok) {
        await resp.body?.cancel();
        throw new Error(
          `unexpected status code ${resp.status} when reading ${redactUrls(path, { query: true })}`,
        );
      }
      return await resp.text();
    }
    return await Deno.readTextFile(path);
  },
  async readDir(path) {
    const out: string[] = [];
    for await (const e of Deno.readDir(path)) out.push(e.name);
    return out;
  },
};

/**
 * Discovers targets from the files of one `file_sd_configs` entry.
 *
 * @example
 * ```ts
 * const d = new FileSDDiscoverer({ files: ["/etc/vmagent/targets/*.yml"] }, { baseDir: "/etc/vmagent" });
 * const groups = await d.refresh();
 * ```
 */
export class FileSDDiscoverer implements Discoverer {
  /** The config section this discoverer serves. */
  readonly type = "file_sd_configs";
  readonly #files: string[];
  readonly #baseDir: string;
  readonly #jobName: string;
  readonly #interval: number;
  readonly #fs: FileSDFileSystem;
  readonly #sleep: Sleep;
  readonly #lookupEnv: EnvLookup;
  readonly #log: Logger;
  /** Last good groups per file path. */
  #good = new Map<string, DiscoveredGroup[]>();
  /** Current error per file path or pattern. */
  #errors = new Map<string, string>();

  /** Takes the entry (with paths resolved against the config folder) and options. */
  constructor(config: FileSDConfig, options: FileSDOptions = {}) {
    this.#files = [...config.files];
    this.#baseDir = options.baseDir ?? "";
    this.#jobName = options.jobName ?? "";
    this.#interval = options.checkInterval ?? 60_000;
    this.#fs = options.fs ?? denoFileSystem;
    this.#sleep = options.sleep ?? realSleep;
    this.#lookupEnv = options.lookupEnv ?? ((name) => Deno.env.get(name));
    this.#log = options.log ?? getLogger("promscrape");
  }

  /** Reads the files now and returns all groups (last good ones for failing files). */
  async refresh(): Promise<DiscoveredGroup[]> {
    const seen = new Set<string>();
    const out: DiscoveredGroup[] = [];
    for (const pattern of this.#files) {
      let paths = [pattern];
      if (pattern.includes("*")) {
        try {
          paths = await globPaths(pattern, { readDir: (dir) => this.#fs.readDir(dir) });
          this.#setError(pattern, "");
        } catch (e) {
          this.#setError(
            pattern,
            `skipping entry ${JSON.stringify(pattern)} in \`file_sd_config->files\` for ` +
              `job_name=${this.#jobName} because of error: ${(e as Error).message}`,
          );
          continue;
        }
      }
      for (const path of paths) {
        if (seen.has(path)) continue;
        seen.add(path);
        try {
          const text = await this.#fs.readTextFile(path);
          const groups = parseFileSD(
            expandEnvTemplate(text, this.#lookupEnv),
            this.#metaPath(path),
          );
          this.#good.set(path, groups);
          this.#setError(path, "");
        } catch (e) {
          const kept = this.#good.get(path)?.length ?? 0;
          this.#setError(
            path,
            `skipping file ${path} for job_name=${this.#jobName} at \`file_sd_configs\` because of ` +
              `error: ${(e as Error).message}` +
              (kept > 0 ? `; keeping the ${kept} target groups read from it before` : ""),
          );
        }
        const groups = this.#good.get(path);
        if (groups !== undefined) out.push(...groups);
      }
    }
    for (const path of [...this.#good.keys()]) if (!seen.has(path)) this.#good.delete(path);
    for (const key of [...this.#errors.keys()]) {
      if (!seen.has(key) && !this.#files.includes(key)) this.#errors.delete(key);
    }
    return out;
  }

  /** Reports the groups now and after every check interval whose result differs, until `signal` aborts. */
  async run(onUpdate: (groups: DiscoveredGroup[]) => void, signal: AbortSignal): Promise<void> {
    let previous: string | undefined;
    while (!signal.aborted) {
      const groups = await this.refresh();
      if (signal.aborted) break;
      const text = JSON.stringify(groups);
      if (text !== previous) {
        previous = text;
        onUpdate(groups);
      }
      await this.#sleep(this.#interval, signal);
    }
  }

  /** The current errors, one per failing file or pattern, joined by newlines; "" when none. */
  lastError(): string {
    return [...this.#errors.values()].join("\n");
  }

  #setError(key: string, message: string): void {
    const prev = this.#errors.get(key) ?? "";
    if (message === "") {
      this.#errors.delete(key);
      return;
    }
    // File entries may be http(s) URLs with credentials: errors are logged and shown on pages.
    message = redactUrls(message, { query: true });
    this.#errors.set(key, message);
    if (message !== prev) this.#log.error(message); // once per distinct error, not every check
  }

  /** `__meta_filepath`: the path relative to the config folder when it is under it. */
  #metaPath(path: string): string {
    const base = this.#baseDir;
    if (base === "" || !path.startsWith(base)) return path;
    let short = path.slice(base.length);
    if (short.startsWith("/")) short = short.slice(1);
    return short;
  }
}

/**
 * Parses the text of a file_sd file: a YAML (or JSON) list of `{targets: [...], labels: {...}}`.
 * Unknown fields and duplicate keys are errors (vmagent reads these files strictly); an error
 * names the line and column, and the entry. Labels are sorted by name and followed by
 * `__meta_filepath`.
 *
 * @example
 * ```ts
 * parseFileSD('[{"targets": ["a:1"], "labels": {"env": "prod"}}]', "t.json");
 * // [{ targets: ["a:1"], labels: [["env", "prod"], ["__meta_filepath", "t.json"]] }]
 * parseFileSD("- targets: [a:1]\n  lables: {x: y}\n", "t.yml");
 * // throws 'line 2, column 3: entry #1: unknown field "lables"; supported: targets, labels'
 * ```
 */
export function parseFileSD(text: string, metaFilepath: string): DiscoveredGroup[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter: lines });
  const fail = (offset: number | undefined, message: string): never => {
    if (offset === undefined) throw new Error(message);
    const { line, col } = lines.linePos(offset);
    throw new Error(`line ${line}, column ${col}: ${message}`);
  };
  const start = (node: Node | null | undefined) => node?.range?.[0];
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    fail(e.pos[0], `cannot parse YAML: ${e.message}`);
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ""))) return [];
  if (!isSeq(root)) fail(start(root), "expecting a list of target groups");
  const out: DiscoveredGroup[] = [];
  (root as YAMLSeq).items.forEach((item, i) => {
    const where = `entry #${i + 1}`;
    const node = item as Node | null;
    if (node === null || (isScalar(node) && node.value === null)) {
      out.push({ targets: [], labels: [["__meta_filepath", metaFilepath]] });
      return;
    }
    if (!isMap(node)) {
      fail(start(node), `${where}: expecting a map with \`targets\` and \`labels\``);
    }
    const targets: string[] = [];
    const labels: [string, string][] = [];
    const text = (n: Node | null, what: string, near: Node | null): string => {
      const s = scalarText(n);
      return s ?? fail(start(n) ?? start(near), `${where}: ${what}: expecting a string`);
    };
    for (const pair of (node as YAMLMap).items) {
      const keyNode = pair.key as Node | null;
      const key = text(keyNode, "field name", node);
      const value = pair.value as Node | null;
      if (key === "targets") {
        if (value === null || (isScalar(value) && value.value === null)) continue;
        if (!isSeq(value)) fail(start(value), `${where}: \`targets\` must be a list of strings`);
        for (const t of (value as YAMLSeq).items) {
          targets.push(text(t as Node | null, "targets", value));
        }
      } else if (key === "labels") {
        if (value === null || (isScalar(value) && value.value === null)) continue;
        if (!isMap(value)) fail(start(value), `${where}: \`labels\` must be a map of strings`);
        for (const lp of (value as YAMLMap).items) {
          const name = text(lp.key as Node | null, "label name", value);
          labels.push([name, text(lp.value as Node | null, `label ${name}`, value)]);
        }
      } else {
        fail(
          start(keyNode),
          `${where}: unknown field ${JSON.stringify(key)}; supported: targets, labels`,
        );
      }
    }
    labels.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    labels.push(["__meta_filepath", metaFilepath]);
    out.push({ targets, labels });
  });
  return out;
}

/** The text of a scalar as Go's YAML decoder gives it to a string field (null is ""); undefined for a list or map. */
function scalarText(node: Node | null): string | undefined {
  if (node === null) return "";
  if (!isScalar(node)) return undefined;
  if (node.value === null) return "";
  if (typeof node.value === "string") return node.value;
  return node.source ?? String(node.value);
}
