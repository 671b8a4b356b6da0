/**
 * Keeps the objects behind one list URL up to date, as vmagent's `urlWatcher` does:
 * list (`resourceVersion=0&resourceVersionMatch=NotOlderThan`), then watch from the list's
 * resource version (`watch=1&allowWatchBookmarks=true&timeoutSeconds=...&resourceVersion=...`)
 * reading newline-delimited `WatchEvent`s (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR).
 * A `410 Gone` (status or ERROR event) lists again at once; a broken stream lists again after
 * a backoff; a cleanly ended stream is resumed from the last resource version. Objects are
 * kept through every failure, so targets stay as they were last known.
 *
 * @module
 */
import { metrics } from "../../metrics/registry.ts";
import { redactUrls } from "../../util/redact_urls.ts";
import { getLogger } from "../../util/log.ts";
import type { ApiRequest } from "./api_client.ts";
import { goQueryEscape } from "../../util/go_query_escape.ts";
import { type KubeObject, objectKey, type WatchRole } from "./objects.ts";
import { parseObject, parseObjectList } from "./parse_objects.ts";
import { Backoff } from "../../util/backoff.ts";
import type { Sleep } from "../../util/clock.ts";
import { errorChainText } from "../../util/error_chain.ts";

const log = getLogger("kubernetes_sd");

/** Settings of a {@linkcode UrlWatcher}. */
export interface UrlWatcherOptions {
  request: ApiRequest;
  sleep: Sleep;
  /** `-promscrape.kubernetes.apiServerTimeout` in ms; watches ask for 90% of it. */
  apiServerTimeout: number;
  /** Called after objects changed, with the changed keys. */
  onChange: (w: UrlWatcher, keys: Set<string>) => void;
}

function delimiter(url: string): string {
  return url.includes("?") ? "&" : "?";
}

/** The message of an error. */
/** The error with its causes: Deno's fetch keeps the TLS or connection failure in `cause`. */
function message(e: unknown): string {
  return errorChainText(e);
}

/**
 * Holds the objects behind one API list URL and keeps them current by listing and watching
 * in {@linkcode UrlWatcher.run}, reporting changed keys through `onChange`.
 *
 * @example
 * ```ts
 * const w = new UrlWatcher("pod", "http://127.0.0.1:8001/api/v1/pods", {
 *   request: client.request,
 *   sleep: realSleep,
 *   apiServerTimeout: 1_800_000,
 *   onChange: (_w, keys) => changed.push(...keys), // e.g. "default/web-0"
 * });
 * const done = w.run(signal); // lists, then watches until `signal` aborts
 * await w.firstList();
 * w.objects.get("default/web-0"); // the parsed Pod, if it exists
 * ```
 */
export class UrlWatcher {
  /** Current objects by `namespace/name`, in the order first seen. */
  readonly objects: Map<string, KubeObject> = new Map();
  /** Their JSON, to tell real modifications from repeats. */
  readonly #json = new Map<string, string>();
  #resourceVersion = "";
  #lastError = "";
  #listed = false;
  readonly #firstList: Promise<void>;
  #resolveFirstList!: () => void;
  readonly #opts: UrlWatcherOptions;
  readonly #objectsGauge;
  readonly #added;
  readonly #removed;
  readonly #updated;
  readonly #stale;

  constructor(readonly role: WatchRole, readonly url: string, opts: UrlWatcherOptions) {
    this.#opts = opts;
    this.#firstList = new Promise((r) => this.#resolveFirstList = r);
    this.#objectsGauge = metrics.gauge(
      `vm_promscrape_discovery_kubernetes_objects{role="${role}"}`,
    );
    const c = (n: string) =>
      metrics.counter(`vm_promscrape_discovery_kubernetes_${n}_total{role="${role}"}`);
    this.#added = c("objects_added");
    this.#removed = c("objects_removed");
    this.#updated = c("objects_updated");
    this.#stale = c("stale_resource_versions");
  }

  /** Settles after the first list attempt, whether it succeeded or not. */
  firstList(): Promise<void> {
    return this.#firstList;
  }

  /** True once a list succeeded. */
  get listed(): boolean {
    return this.#listed;
  }

  /** The latest request error, "" after a success. */
  get lastError(): string {
    return this.#lastError;
  }

  /** The resource version the next watch starts from ("" = list first). */
  get resourceVersion(): string {
    return this.#resourceVersion;
  }

  #fail(what: string, url: string, e: unknown): void {
    // A password in api_server (https://user:pass@host) never reaches logs or status pages.
    const msg = redactUrls(`${JSON.stringify(url)}: ${message(e)}`);
    this.#lastError = `cannot ${what} ${msg}`;
    log.error(this.#lastError);
  }

  #set(key: string, o: KubeObject, changed: Set<string>): void {
    const json = JSON.stringify(o);
    const prev = this.#json.get(key);
    if (prev === json) return;
    if (prev === undefined) {
      this.#added.inc();
      this.#objectsGauge.add(1);
    } else {
      this.#updated.inc();
    }
    this.objects.set(key, o);
    this.#json.set(key, json);
    changed.add(key);
  }

  #delete(key: string, changed: Set<string>): void {
    if (!this.objects.delete(key)) return;
    this.#json.delete(key);
    this.#removed.inc();
    this.#objectsGauge.add(-1);
    changed.add(key);
  }

  /** Lists all objects and applies the difference; returns false on failure. */
  async #list(signal: AbortSignal): Promise<boolean> {
    const url = `${this.url}${
      delimiter(this.url)
    }resourceVersion=0&resourceVersionMatch=NotOlderThan`;
    const started = Date.now();
    try {
      const resp = await this.#opts.request(url, signal);
      const text = await resp.text();
      if (resp.status !== 200) {
        throw new Error(
          `unexpected status code ${resp.status}; want 200; response: ${text.slice(0, 500)}`,
        );
      }
      const list = parseObjectList(this.role, text);
      const changed = new Set<string>();
      const seen = new Set<string>();
      for (const o of list.items) {
        const key = objectKey(o);
        seen.add(key);
        this.#set(key, o, changed);
      }
      for (const key of [...this.objects.keys()]) if (!seen.has(key)) this.#delete(key, changed);
      this.#resourceVersion = list.resourceVersion;
      this.#listed = true;
      this.#lastError = "";
      log.info(
        `reloaded ${list.items.length} objects from ${redactUrls(JSON.stringify(url))} in ${
          ((Date.now() - started) / 1000).toFixed(3)
        }s; changed=${changed.size}, resourceVersion=${JSON.stringify(list.resourceVersion)}`,
      );
      if (changed.size > 0) this.#opts.onChange(this, changed);
      return true;
    } catch (e) {
      if (!signal.aborted) this.#fail("list objects from", url, e);
      return false;
    }
  }

  /**
   * Applies one watch event line. Returns "gone" for an ERROR event with code 410; throws on
   * anything it cannot understand (the stream is then abandoned and objects are listed again).
   */
  #applyEvent(line: string, changed: Set<string>): "gone" | undefined {
    const ev = JSON.parse(line) as { type?: unknown; object?: unknown };
    const raw = ev?.object as { metadata?: { resourceVersion?: unknown }; code?: unknown };
    const rv = raw?.metadata?.resourceVersion;
    switch (ev?.type) {
      case "ADDED":
      case "MODIFIED": {
        const o = parseObject(this.role, raw);
        this.#set(objectKey(o), o, changed);
        break;
      }
      case "DELETED":
        this.#delete(objectKey(parseObject(this.role, raw)), changed);
        break;
      case "BOOKMARK":
        break;
      case "ERROR":
        if (raw?.code === 410) return "gone";
        throw new Error(`unexpected error message: ${JSON.stringify(raw)}`);
      default:
        throw new Error(`unexpected WatchEvent type ${JSON.stringify(ev?.type)}`);
    }
    // Resume from the newest version seen, as client-go does (vmagent resumes from bookmarks).
    if (typeof rv === "string" && rv !== "") this.#resourceVersion = rv;
    return undefined;
  }

  /** Applies event lines, notifying once for all their changes (also when one of them throws). */
  #applyLines(lines: string[]): "gone" | undefined {
    const changed = new Set<string>();
    try {
      for (const l of lines) {
        const line = l.trim();
        if (line !== "" && this.#applyEvent(line, changed) === "gone") return "gone";
      }
      return undefined;
    } finally {
      if (changed.size > 0) this.#opts.onChange(this, changed);
    }
  }

  /** Reads a watch stream to its end; "gone" when the server said the version is too old. */
  async #readStream(body: ReadableStream<Uint8Array>): Promise<"gone" | "eof"> {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        // Events that arrive together are applied together: one change notification per chunk.
        const lines = buf.split("\n");
        buf = lines.pop()!;
        if (this.#applyLines(lines) === "gone") return "gone";
      }
      return this.#applyLines([buf]) === "gone" ? "gone" : "eof";
    } finally {
      reader.cancel().catch(() => {});
    }
  }

  /** Lists and watches until `signal` aborts. Never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    // vmagent's API watcher: 1s doubling to 30s between failed requests, reset after a good one.
    const backoff = new Backoff(1000, 30_000);
    const waitBackoff = () => this.#opts.sleep(backoff.next(), signal);
    const timeoutSeconds = Math.trunc((0.9 * this.#opts.apiServerTimeout) / 1000);
    const watchUrl = `${this.url}${
      delimiter(this.url)
    }watch=1&allowWatchBookmarks=true&timeoutSeconds=${timeoutSeconds}`;
    let first = true;
    while (!signal.aborted) {
      if (this.#resourceVersion === "") {
        const ok = await this.#list(signal);
        if (first) {
          first = false;
          this.#resolveFirstList();
        }
        if (!ok) {
          await waitBackoff();
          continue;
        }
      }
      const url = `${watchUrl}&resourceVersion=${goQueryEscape(this.#resourceVersion)}`;
      let resp: Response;
      try {
        resp = await this.#opts.request(url, signal);
      } catch (e) {
        if (signal.aborted) break;
        this.#fail("watch", url, e);
        await waitBackoff();
        continue;
      }
      if (resp.status === 410) {
        // The version is too old: list again without waiting (Kubernetes API concepts, 410 Gone).
        await resp.body?.cancel();
        backoff.reset();
        this.#stale.inc();
        this.#resourceVersion = "";
        continue;
      }
      if (resp.status !== 200 || resp.body === null) {
        const text = await resp.text().catch(() => "");
        this.#fail(
          "watch",
          url,
          new Error(`unexpected status code ${resp.status}; response: ${text.slice(0, 500)}`),
        );
        await waitBackoff();
        continue;
      }
      backoff.reset();
      try {
        if (await this.#readStream(resp.body) === "gone") {
          this.#stale.inc();
          this.#resourceVersion = "";
          continue;
        }
        this.#lastError = "";
      } catch (e) {
        if (signal.aborted) break;
        this.#fail("read the watch stream of", url, e);
        this.#resourceVersion = "";
      }
      await waitBackoff();
    }
    if (first) this.#resolveFirstList();
    this.#objectsGauge.add(-this.objects.size);
  }
}
