/**
 * A scripted Kubernetes API server for the discoverer tests, served in memory through an
 * injected `fetch` (unit tests open no sockets): list responses and watch streams per path, in
 * the shape a real API server sends (a JSON list document; newline-delimited watch events on a
 * chunked response), with every request recorded. Aborting a request's signal errors its body,
 * as a real fetch does.
 *
 * @module
 */
import type { FetchFn } from "../../../lib/util/http_client.ts";

/** One scripted answer to a watch request. */
export type WatchStep =
  /** Stream these event lines, then end cleanly, break the connection, or keep it open. */
  | { lines: string[]; end: "close" | "drop" | "hang" }
  /** Answer with a status and body instead of a stream. */
  | { status: number; body: string };

/** One scripted answer to a list request: a body (status 200) or a status and body. */
export type ListStep = string | { status: number; body: string };

/** A recorded request. */
export interface RecordedRequest {
  /** Path and query, e.g. `/api/v1/pods?resourceVersion=0&...`. */
  url: string;
  headers: Headers;
}

/** The fake server; see the module documentation. Pass {@linkcode FakeApi.fetch} as `fetch`. */
export class FakeApi {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  readonly #lists = new Map<string, ListStep[]>();
  readonly #watches = new Map<string, WatchStep[]>();
  readonly #open = new Set<ReadableStreamDefaultController<Uint8Array>>();
  #waiters: (() => void)[] = [];

  /**
   * The API server URL to configure. The `.invalid` name never resolves, so a discoverer
   * that was not given {@linkcode FakeApi.fetch} fails instead of reaching a real server.
   */
  readonly url: string = "http://fake-api.invalid:6443";

  /** The in-memory transport: answers from the script, honouring `init.signal`. */
  readonly fetch: FetchFn = (input, init) => {
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return Promise.resolve(
      this.#handle(new Request(input, { method: init.method, headers: init.headers }), signal),
    );
  };

  /** Scripts list answers for `path`; the last one repeats. */
  list(path: string, ...steps: ListStep[]): this {
    this.#lists.set(path, steps);
    return this;
  }

  /** Scripts watch answers for `path`; once they run out, watches hang open. */
  watch(path: string, ...steps: WatchStep[]): this {
    this.#watches.set(path, steps);
    return this;
  }

  /** The recorded request URLs (path and query). */
  urls(): string[] {
    return this.requests.map((r) => r.url);
  }

  /** Resolves once `n` requests have been received. */
  async waitForRequests(n: number): Promise<void> {
    while (this.requests.length < n) await new Promise<void>((r) => this.#waiters.push(r));
  }

  #handle(req: Request, signal: AbortSignal | undefined): Response {
    const u = new URL(req.url);
    this.requests.push({ url: u.pathname + u.search, headers: req.headers });
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
    const json = { "content-type": "application/json" };
    if (u.searchParams.get("watch") !== "1") {
      const steps = this.#lists.get(u.pathname);
      if (steps === undefined || steps.length === 0) {
        return new Response('{"kind":"Status","code":404}', { status: 404, headers: json });
      }
      const step = steps.length > 1 ? steps.shift()! : steps[0];
      if (typeof step === "string") return new Response(step, { headers: json });
      return new Response(step.body, { status: step.status, headers: json });
    }
    const step = this.#watches.get(u.pathname)?.shift() ?? { lines: [], end: "hang" };
    if ("status" in step) return new Response(step.body, { status: step.status, headers: json });
    const enc = new TextEncoder();
    let ctl: ReadableStreamDefaultController<Uint8Array>;
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        ctl = c;
        // A real fetch fails the body read when its signal aborts; the server then sees the
        // connection go away.
        signal?.addEventListener("abort", () => {
          this.#open.delete(c);
          try {
            c.error(signal.reason);
          } catch {
            // already closed or errored
          }
        }, { once: true });
      },
      pull: (c) => {
        if (!sent) {
          sent = true;
          // All scripted events go out in one chunk, as a burst of events would.
          if (step.lines.length > 0) {
            c.enqueue(enc.encode(step.lines.join("\n") + "\n"));
            return;
          }
        }
        // Asked for more: the scripted events have been handed to the connection.
        if (step.end === "close") c.close();
        else if (step.end === "drop") c.error(new Error("connection dropped by the test"));
        else this.#open.add(c); // until the client goes away (cancel) or close()
        return new Promise(() => {}); // no more pulls
      },
      cancel: () => {
        this.#open.delete(ctl);
      },
    }, { highWaterMark: 0 });
    return new Response(body, { headers: { ...json, "transfer-encoding": "chunked" } });
  }

  #closeStream(c: ReadableStreamDefaultController<Uint8Array>): void {
    if (!this.#open.delete(c)) return;
    try {
      c.close();
    } catch {
      // already closed by the client going away
    }
  }

  /** Ends open watch streams. */
  close(): Promise<void> {
    for (const c of [...this.#open]) this.#closeStream(c);
    return Promise.resolve();
  }
}

/** Collects discoverer updates and lets a test wait for the n-th one. */
export class UpdateLog<T> {
  readonly updates: T[] = [];
  #waiters: (() => void)[] = [];

  /** The listener to give the discoverer. */
  readonly push = (u: T): void => {
    this.updates.push(u);
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  };

  /** Resolves with the n-th update (1-based) once it has arrived. */
  async nth(n: number): Promise<T> {
    while (this.updates.length < n) await new Promise<void>((r) => this.#waiters.push(r));
    return this.updates[n - 1];
  }
}
