/**
 * A tiny request/response layer over `postMessage`, so the harness can ask its
 * workers (the target farm and the sink) for snapshots by `await`.
 *
 * @module
 */

/** A request sent to a worker: a `type` plus any fields; `id` is added by {@linkcode WorkerClient}. */
export interface RpcRequest {
  type: string;
  [field: string]: unknown;
}

/** Calls a module worker and matches replies to requests by id. */
export class WorkerClient {
  readonly #worker: Worker;
  #next = 1;
  readonly #pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();

  /** Starts the module worker at `url` (it inherits the harness's permissions). */
  constructor(url: URL, name: string) {
    this.#worker = new Worker(url, { type: "module", name });
    this.#worker.onmessage = (ev: MessageEvent) => {
      const { id, error, result } = ev.data as { id: number; error?: string; result?: unknown };
      const p = this.#pending.get(id);
      if (p === undefined) return;
      this.#pending.delete(id);
      if (error !== undefined) p.reject(new Error(`${name}: ${error}`));
      else p.resolve(result);
    };
    this.#worker.onerror = (ev: ErrorEvent) => {
      ev.preventDefault();
      const err = new Error(`${name} worker failed: ${ev.message}`);
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
  }

  /** Sends `req` and resolves with the worker's result. */
  call<T>(req: RpcRequest): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#worker.postMessage({ ...req, id });
    });
  }

  /** Terminates the worker. */
  terminate(): void {
    this.#worker.terminate();
  }
}

/**
 * Worker side: answers each request with `handler(req)` (sync or async);
 * a thrown error is sent back as the reply's error.
 */
export function serveRpc(handler: (req: RpcRequest) => unknown): void {
  const scope = globalThis as unknown as {
    onmessage: ((ev: MessageEvent) => void) | null;
    postMessage(m: unknown): void;
  };
  scope.onmessage = async (ev: MessageEvent) => {
    const req = ev.data as RpcRequest & { id: number };
    try {
      const result = await handler(req);
      scope.postMessage({ id: req.id, result });
    } catch (e) {
      scope.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) });
    }
  };
}
