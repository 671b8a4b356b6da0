/**
 * Shared helpers for integration tests: locate the Debian peers, pick free
 * loopback ports, start processes (ours and peers) and stop exactly those.
 *
 * @module
 */

const ROOT = new URL("../../", import.meta.url).pathname;

/** The repository root (with a trailing slash). */
export const REPO_ROOT: string = ROOT;

/** Peer binaries unpacked by `.ci/install-peers`. */
export type PeerName = "victoria-metrics" | "vmagent" | "prometheus" | "prometheus-node-exporter";

/**
 * Returns the path of a Debian peer binary, or undefined when it is not unpacked.
 * In CI (`CI=true`) a missing peer is an error, so the test fails loudly instead of being skipped.
 */
export function peerPath(name: PeerName): string | undefined {
  const dirs = [Deno.env.get("VMAGENT_DENO_PEERS"), `${ROOT}.cache/peers/usr/bin`];
  for (const d of dirs) {
    if (!d) continue;
    try {
      const p = `${d}/${name}`;
      if (Deno.statSync(p).isFile) return p;
    } catch {
      // not there
    }
  }
  if (Deno.env.get("CI") === "true") {
    throw new Error(`peer ${name} is missing: run .ci/install-peers (CI must have it)`);
  }
  return undefined;
}

/** True when every named peer is available; use as `ignore: !havePeers(...)` outside CI. */
export function havePeers(...names: PeerName[]): boolean {
  return names.every((n) => peerPath(n) !== undefined);
}

/**
 * Returns a TCP port on 127.0.0.1 that was free a moment ago, for a child process to bind.
 *
 * The port is drawn below Linux's default ephemeral range (32768-60999). A port the kernel
 * hands out for `port: 0` lies inside that range, and so does the local port of every
 * outgoing connection: with agents scraping hundreds of targets, one of those connections
 * took such a port between our check and the child's bind (a vmagent peer failed with
 * "address already in use"). Outside the range only another test's pick can collide.
 */
export function freePort(): number {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return port;
    } catch {
      // taken: draw again
    }
  }
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A started child process with its collected output. */
export interface Proc {
  child: Deno.ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Sends `signal` (default SIGTERM), waits up to `ms` for exit, then SIGKILLs. Returns the exit code. */
  stop(signal?: Deno.Signal, ms?: number): Promise<number>;
  status: Promise<Deno.CommandStatus>;
}

/** Starts `cmd args` with piped output collected in memory. */
export function start(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string } = {},
): Proc {
  const child = new Deno.Command(cmd, {
    args,
    env: opts.env,
    cwd: opts.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s) text += decoder.decode(chunk, { stream: true });
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const status = child.status.then(async (s) => {
    await pumps;
    return s;
  });
  let exited = false;
  status.then(() => exited = true);
  return {
    child,
    output: () => text,
    status,
    async stop(signal: Deno.Signal = "SIGTERM", ms = 10_000) {
      if (!exited) {
        try {
          child.kill(signal);
        } catch {
          // already gone
        }
        const timer = setTimeout(() => {
          try {
            if (!exited) child.kill("SIGKILL");
          } catch {
            // already gone
          }
        }, ms);
        const s = await status;
        clearTimeout(timer);
        return s.code;
      }
      return (await status).code;
    },
  };
}

/** The permission flags of a named set in deno.json, as `deno run` takes them. */
export const AGENT_PERMISSION_ARGS = ["-P=agent"];

/** Starts our agent (`main.ts`) with the same entry point and permission set as `deno task start`. */
export function startAgent(args: string[], opts: { env?: Record<string, string> } = {}): Proc {
  return start(Deno.execPath(), ["run", ...AGENT_PERMISSION_ARGS, `${ROOT}main.ts`, ...args], {
    cwd: ROOT,
    env: { NO_COLOR: "1", ...opts.env },
  });
}

/** Polls `fn` every `intervalMs` until it returns a value other than undefined, up to `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      lastErr = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs}ms waiting for ${what}${lastErr ? `: ${lastErr}` : ""}`,
  );
}

/**
 * Fetches a URL and returns its body text, or undefined on any error or non-2xx status,
 * or when the whole exchange takes longer than `opts.timeoutMs` (no limit by default).
 */
export async function tryGetText(
  url: string,
  opts: { timeoutMs?: number } = {},
): Promise<string | undefined> {
  const abort = new AbortController();
  const timer = opts.timeoutMs === undefined
    ? undefined
    : setTimeout(() => abort.abort(), opts.timeoutMs);
  try {
    const r = await fetch(url, { signal: abort.signal });
    const t = await r.text();
    return r.ok ? t : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** Creates a temporary folder removed on dispose: `await using dir = await tempDir();`. */
export async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "vmagent-deno-test-" });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}
