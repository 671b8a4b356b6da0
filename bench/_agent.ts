/**
 * Starts an agent under test (ours or vmagent) as a subprocess with its real
 * flags, its output written to a log file, and stops exactly that process.
 *
 * @module
 */
import { peerPath, REPO_ROOT } from "../tests/integration/_peers.ts";

/** The agents the benchmark knows. */
export type AgentName = "ours" | "vmagent";

/** A running agent. */
export interface AgentProcess {
  name: AgentName;
  pid: number;
  /** Where its stdout and stderr go. */
  logPath: string;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number>;
}

/** Options of {@linkcode startAgent}. */
export interface StartAgentOptions {
  /** The scrape config file. */
  configPath: string;
  /** Remote write URL of the sink. */
  remoteWriteUrl: string;
  /** Folder for the on-disk queue and the log. */
  workDir: string;
  /** Port of the agent's HTTP server. */
  httpPort: number;
}

/** The command line of `agent`, or undefined when it is not available here. */
export function agentCommand(
  agent: AgentName,
  opts: StartAgentOptions,
): { cmd: string; args: string[]; cwd: string } | undefined {
  const flags = [
    `-promscrape.config=${opts.configPath}`,
    `-remoteWrite.url=${opts.remoteWriteUrl}`,
    `-remoteWrite.tmpDataPath=${opts.workDir}/queue`,
    `-httpListenAddr=127.0.0.1:${opts.httpPort}`,
  ];
  if (agent === "vmagent") {
    const bin = peerPath("vmagent");
    return bin === undefined ? undefined : { cmd: bin, args: flags, cwd: opts.workDir };
  }
  const main = `${REPO_ROOT}main.ts`;
  try {
    Deno.statSync(main);
  } catch {
    return undefined;
  }
  // Deno.execPath() is the real deno binary (not the npm wrapper), so the pid we
  // read in /proc is the agent itself. The permission set is the one `deno task start` uses.
  // BENCH_OURS_DENO_FLAGS: extra deno flags for ours, e.g. "--inspect=127.0.0.1:9339" (to attach a
  // profiler) or "--v8-flags=--max-old-space-size=320".
  // BENCH_OURS_FLAGS: extra agent flags for ours, e.g. "-promscrape.workers=0".
  const words = (name: string) => (Deno.env.get(name) ?? "").split(" ").filter((a) => a !== "");
  const extra = words("BENCH_OURS_DENO_FLAGS");
  return {
    cmd: Deno.execPath(),
    args: ["run", "-P=agent", ...extra, main, ...flags, ...words("BENCH_OURS_FLAGS")],
    cwd: REPO_ROOT,
  };
}

/**
 * Loads our agent's modules into Deno's cache (`deno cache main.ts`), so that
 * module loading (and any npm download) is not part of the first run's warm-up.
 * Returns an error message, or undefined on success.
 */
export async function prepareOurs(): Promise<string | undefined> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["cache", `${REPO_ROOT}main.ts`],
    cwd: REPO_ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return r.success ? undefined : new TextDecoder().decode(r.stderr).trim();
}

/** Starts `agent`; throws when it is not available. */
export async function startAgent(agent: AgentName, opts: StartAgentOptions): Promise<AgentProcess> {
  const c = agentCommand(agent, opts);
  if (c === undefined) throw new Error(`${agent} is not available`);
  const logPath = `${opts.workDir}/${agent}.log`;
  const log = await Deno.open(logPath, { write: true, create: true, truncate: true });
  const child = new Deno.Command(c.cmd, {
    args: c.args,
    cwd: c.cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Both streams into one file: a writer that serializes the chunks.
  const writer = log.writable.getWriter();
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s) await writer.write(chunk);
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]).finally(() =>
    writer.close().catch(() => {})
  );
  let done = false;
  const exited = child.status.then(async (s) => {
    done = true;
    await pumps.catch(() => {});
    return s.code;
  });
  return {
    name: agent,
    pid: child.pid,
    logPath,
    exited,
    async stop(graceMs = 15_000) {
      if (!done) {
        try {
          child.kill("SIGTERM");
        } catch {
          // already gone
        }
        const timer = setTimeout(() => {
          try {
            if (!done) child.kill("SIGKILL");
          } catch {
            // already gone
          }
        }, graceMs);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return await exited;
    },
  };
}

/** The last `lines` lines of a log file ("" when unreadable). */
export function logTail(path: string, lines = 20): string {
  try {
    return Deno.readTextFileSync(path).trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** The scrape config for `ports` on 127.0.0.1, every `intervalMs` (timeout = interval). */
export function scrapeConfigYaml(ports: readonly number[], intervalMs: number): string {
  const d = `${intervalMs / 1000}s`;
  const targets = ports.map((p) => `          - 127.0.0.1:${p}`).join("\n");
  return `global:
  scrape_interval: ${d}
  scrape_timeout: ${d}
scrape_configs:
  - job_name: bench
    static_configs:
      - targets:
${targets}
`;
}
