/**
 * Command-line options of `bench/e2e.ts`: the loads (targets × series every
 * interval), the warm-up and measured windows, and which agents to run.
 *
 * @module
 */
import type { AgentName } from "./_agent.ts";

/** One load: `targets` targets of `series` series each, scraped every `intervalMs`. */
export interface Load {
  targets: number;
  series: number;
  intervalMs: number;
}

/** Everything `e2e.ts` runs. */
export interface BenchOptions {
  loads: Load[];
  warmupMs: number;
  windowMs: number;
  agents: AgentName[];
  help: boolean;
}

/** The three loads of the performance issue: about 10k, 100k and 400k samples/s. */
export const DEFAULT_LOADS: readonly Load[] = [
  { targets: 100, series: 1000, intervalMs: 10_000 },
  { targets: 500, series: 1000, intervalMs: 5_000 },
  { targets: 800, series: 1000, intervalMs: 2_000 },
];

/** Usage text. */
export const USAGE = `deno task bench [flags]

Runs our agent and vmagent (when unpacked) against a synthetic target farm and a
counting remote write sink, and prints figures (never asserted).

  --targets=N      targets per load
  --series=N       series per target
  --interval=D     scrape interval, e.g. 5s, 500ms
  --warmup=D       time from agent start to the measured window  (default 30s)
  --window=D       measured window                              (default 60s)
  --only=A         ours | vmagent                               (default both)
  --help

With none of --targets/--series/--interval the three default loads run:
${DEFAULT_LOADS.map((l) => `  ${describeLoad(l)}`).join("\n")}
Each of --targets/--series/--interval replaces that figure in every default load
(loads that become equal run once; all three given = one load).`;

/** "100 targets x 1000 series every 10s (10000 samples/s)". */
export function describeLoad(l: Load): string {
  const rate = Math.round((l.targets * l.series * 1000) / l.intervalMs);
  return `${l.targets} targets x ${l.series} series every ${l.intervalMs / 1000}s ` +
    `(${rate} samples/s)`;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go-style duration ("1m30s", "500ms", "2.5s") into milliseconds. */
export function parseDuration(s: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
  let ms = 0;
  let i = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (m === null) {
      throw new RangeError(`bad duration ${JSON.stringify(s)}: want e.g. 5s, 500ms, 1m`);
    }
    ms += Number(m[1]) * UNITS[m[2]];
    i = re.lastIndex;
  }
  if (s.length === 0 || ms <= 0) throw new RangeError(`bad duration ${JSON.stringify(s)}`);
  return ms;
}

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`--${name} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** Parses `args` (`--name=value` or `--name value`). Throws RangeError on a bad flag. */
export function parseBenchArgs(args: readonly string[]): BenchOptions {
  const vals = new Map<string, string>();
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--help" || a === "-h" || a === "-help") {
      help = true;
      continue;
    }
    const m = /^--?([a-z]+)(?:=(.*))?$/.exec(a);
    if (m === null) throw new RangeError(`unexpected argument ${JSON.stringify(a)}`);
    const v = m[2] ?? args[++i];
    if (v === undefined) throw new RangeError(`--${m[1]} needs a value`);
    vals.set(m[1], v);
  }
  for (const k of vals.keys()) {
    if (!["targets", "series", "interval", "warmup", "window", "only"].includes(k)) {
      throw new RangeError(`unknown flag --${k}\n\n${USAGE}`);
    }
  }
  const t = vals.get("targets");
  const s = vals.get("series");
  const iv = vals.get("interval");
  const loads = DEFAULT_LOADS.map((l) => ({
    targets: t === undefined ? l.targets : positiveInt("targets", t),
    series: s === undefined ? l.series : positiveInt("series", s),
    intervalMs: iv === undefined ? l.intervalMs : parseDuration(iv),
  }));
  const only = vals.get("only");
  if (only !== undefined && only !== "ours" && only !== "vmagent") {
    throw new RangeError(`--only must be ours or vmagent, got ${JSON.stringify(only)}`);
  }
  return {
    // Overrides can make default loads equal (all three given: one load); run each once.
    loads: loads.filter((l, i) =>
      loads.findIndex((o) =>
        o.targets === l.targets && o.series === l.series && o.intervalMs === l.intervalMs
      ) === i
    ),
    warmupMs: parseDuration(vals.get("warmup") ?? "30s"),
    windowMs: parseDuration(vals.get("window") ?? "60s"),
    agents: only === undefined ? ["ours", "vmagent"] : [only],
    help,
  };
}
