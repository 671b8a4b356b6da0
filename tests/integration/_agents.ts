/**
 * Runs our agent and Debian's vmagent 1.79.5 side by side on loopback for
 * differential tests, and reads their `/api/v1/targets`.
 *
 * @module
 */
import { freePort, peerPath, type Proc, start, startAgent, tryGetText, waitFor } from "./_peers.ts";

/** One running agent (ours or vmagent) with its HTTP port. */
export interface RunningAgent {
  kind: "ours" | "vmagent";
  port: number;
  proc: Proc;
}

/** An active target as both agents report it in `/api/v1/targets`. */
export interface ActiveTarget {
  labels: Record<string, string>;
  scrapeUrl: string;
  scrapePool: string;
  discoveredLabels: Record<string, string>;
}

/** Options shared by both kinds of agent. */
export interface AgentRun {
  configPath: string;
  tmpDir: string;
  /** Extra flags, given to both. */
  args?: string[];
  env?: Record<string, string>;
  /** Flags for ours only. */
  oursArgs?: string[];
  /** Flags for vmagent only. */
  vmagentArgs?: string[];
}

function commonArgs(run: AgentRun, port: number, name: string): string[] {
  const dead = freePort(); // nothing listens there: remote write just queues
  return [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-promscrape.config=${run.configPath}`,
    `-remoteWrite.url=http://127.0.0.1:${dead}/api/v1/write`,
    `-remoteWrite.tmpDataPath=${run.tmpDir}/${name}`,
    ...(run.args ?? []),
  ];
}

/** Starts our agent through `main.ts` with the agent permission set. */
export function startOurs(run: AgentRun, name: string): RunningAgent {
  const port = freePort();
  const proc = startAgent([...commonArgs(run, port, name), ...(run.oursArgs ?? [])], {
    env: run.env,
  });
  return { kind: "ours", port, proc };
}

/** Starts Debian's vmagent 1.79.5. */
export function startVmagent(run: AgentRun, name: string): RunningAgent {
  const bin = peerPath("vmagent");
  if (bin === undefined) throw new Error("vmagent peer is not available");
  const port = freePort();
  const proc = start(bin, [...commonArgs(run, port, name), ...(run.vmagentArgs ?? [])], {
    env: run.env,
  });
  return { kind: "vmagent", port, proc };
}

interface TargetsResponse {
  status: string;
  data: {
    activeTargets: ActiveTarget[];
    droppedTargets: { discoveredLabels: Record<string, string> }[];
  };
}

/**
 * Waits until the agent answers `/api/v1/targets` with at least `minActive` active targets
 * (and the same answer twice in a row, so discovery has settled), then returns it.
 */
export async function settledTargets(
  a: RunningAgent,
  minActive = 0,
  timeoutMs = 60_000,
): Promise<TargetsResponse["data"]> {
  let previous = "";
  return await waitFor(
    `${a.kind} on :${a.port} to list its targets`,
    async () => {
      if ((await Promise.race([a.proc.status, Promise.resolve(null)])) !== null) {
        throw new Error(`${a.kind} exited early:\n${a.proc.output().slice(-3000)}`);
      }
      const text = await tryGetText(`http://127.0.0.1:${a.port}/api/v1/targets`);
      if (text === undefined) return undefined;
      const parsed = JSON.parse(text) as TargetsResponse;
      const canon = JSON.stringify(canonicalActive(parsed.data.activeTargets));
      if (parsed.data.activeTargets.length < minActive || canon !== previous) {
        previous = canon;
        return undefined;
      }
      return parsed.data;
    },
    timeoutMs,
    500,
  );
}

/** Sorted canonical strings of active targets: labels plus scrape URL. */
export function canonicalActive(targets: ActiveTarget[]): string[] {
  return targets.map((t) => canonicalLabels(t.labels) + " " + t.scrapeUrl).sort();
}

/** Labels as sorted `name=value` text. */
export function canonicalLabels(labels: Record<string, string>): string {
  return Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`).join(",");
}

/** Stops every agent, vmagent and ours, and returns their exit codes. */
export async function stopAll(agents: RunningAgent[]): Promise<number[]> {
  return await Promise.all(agents.map((a) => a.proc.stop("SIGTERM", 15_000)));
}
