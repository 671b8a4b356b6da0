/**
 * Samples a running agent's JavaScript CPU profile through the V8 inspector and
 * prints where the time goes: the functions with the most self time, and the
 * share of each source file. Start the agent with `--inspect=127.0.0.1:9339`
 * (for the benchmark: `BENCH_OURS_DENO_FLAGS=--inspect=127.0.0.1:9339 deno task
 * bench ...`), then:
 *
 *   deno run -A bench/cpu_profile.ts --inspect=127.0.0.1:9339 --seconds=20 [--out=p.cpuprofile]
 *
 * The `.cpuprofile` written with `--out` opens in Chrome DevTools.
 *
 * @module
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  startTime: number;
  endTime: number;
}

const args = new Map(
  Deno.args.map((a) => a.replace(/^--/, "").split("=", 2) as [string, string]),
);
const inspect = args.get("inspect") ?? "127.0.0.1:9339";
const seconds = Number(args.get("seconds") ?? 20);
const out = args.get("out");
const top = Number(args.get("top") ?? 30);

const targets = await (await fetch(`http://${inspect}/json/list`)).json() as {
  webSocketDebuggerUrl: string;
}[];
if (targets.length === 0) throw new Error(`no inspector target at ${inspect}`);
const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
await new Promise((resolve, reject) => {
  ws.onopen = resolve;
  ws.onerror = reject;
});
const pending = new Map<number, (result: unknown) => void>();
let nextId = 1;
ws.onmessage = (ev) => {
  const msg = JSON.parse(ev.data as string);
  if (msg.id !== undefined) pending.get(msg.id)?.(msg.result ?? msg.error);
};
function call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
  const id = nextId++;
  const done = new Promise<T>((resolve) => pending.set(id, resolve as (r: unknown) => void));
  ws.send(JSON.stringify({ id, method, params }));
  return done;
}

await call("Profiler.enable");
await call("Profiler.setSamplingInterval", { interval: 500 });
await call("Profiler.start");
console.error(`profiling ${inspect} for ${seconds}s`);
await new Promise((r) => setTimeout(r, seconds * 1000));
const { profile } = await call<{ profile: Profile }>("Profiler.stop");
ws.close();
if (out !== undefined) await Deno.writeTextFile(out, JSON.stringify(profile));

const total = profile.samples.length;
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
const hits = new Map<number, number>();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
for (const node of profile.nodes) {
  const n = hits.get(node.id) ?? 0;
  if (n === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url === "" ? "(native)" : url.replace(/^.*\/(lib|app|ext|node)\//, "$1/");
  const fn = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + n);
  byFile.set(file, (byFile.get(file) ?? 0) + n);
}
const pct = (n: number) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
const wall = (profile.endTime - profile.startTime) / 1e6;
console.log(`${total} samples over ${wall.toFixed(1)}s`);
console.log(`\nself time by function (top ${top})`);
for (const [k, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${pct(n)}  ${k}`);
}
console.log(`\nself time by file (top ${top})`);
for (const [k, n] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${pct(n)}  ${k}`);
}
