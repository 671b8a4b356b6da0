/**
 * Bytes of JavaScript heap per active series: builds `--targets` target
 * processors, scrapes each twice with the synthetic exposition (distinct
 * series per target, as a real farm has), and prints the heap growth per series
 * after a full garbage collection. Run with `deno task bench:memory`.
 *
 * @module
 */
import { TargetProcessor } from "../lib/scrape/target_processor.ts";
import type { EncodedSeriesBatch, Sink, TimeSeries } from "../lib/util/series.ts";
import { buildExposition, renderExposition } from "./_exposition.ts";
import { targetConfig } from "./_fixtures.ts";

const args = new Map(
  Deno.args.map((a) => a.replace(/^--/, "").split("=", 2) as [string, string]),
);
const targets = Number(args.get("targets") ?? 200);
const series = Number(args.get("series") ?? 1000);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error("run with --v8-flags=--expose-gc (deno task bench:memory does)");
  Deno.exit(2);
}

let pushed = 0;
const sink: Sink & { pushEncoded(b: EncodedSeriesBatch): boolean } = {
  push(s: TimeSeries[]) {
    pushed += s.length;
    return true;
  },
  pushEncoded(b: EncodedSeriesBatch) {
    pushed += b.length;
    return true;
  },
};

const exposition = buildExposition(series);
const bodies = [renderExposition(exposition, 1), renderExposition(exposition, 2)];

function heap(): { heap: number; external: number } {
  gc!();
  gc!();
  const m = Deno.memoryUsage();
  return { heap: m.heapUsed, external: m.external };
}

const before = heap();
const procs: TargetProcessor[] = [];
for (let t = 0; t < targets; t++) {
  const cfg = targetConfig(`10.1.${t >> 8}.${t & 255}:9100`);
  const p = new TargetProcessor(cfg, { sink });
  for (let k = 0; k < 2; k++) {
    // A copy per target, so no two targets share the body's strings.
    const body = (" " + bodies[k]).slice(1);
    p.begin(1_700_000_000_000 + k * 10_000, false);
    p.feed(body);
    p.finish(undefined, 0.01, body.length);
  }
  procs.push(p);
}
const after = heap();
const active = procs.reduce((n, p) => n + p.cacheSize, 0);
console.log(
  `${targets} targets x ${series} series: ${active} active series, ${pushed} samples pushed`,
);
const grew = (after.heap - before.heap) + (after.external - before.external);
const perSeries = (n: number) => Math.round(n / active);
console.log(
  `heap + external growth: ${(grew / 2 ** 20).toFixed(1)} MiB, ` +
    `${perSeries(grew)} bytes per active series (heap ${perSeries(after.heap - before.heap)}, ` +
    `external ${perSeries(after.external - before.external)})`,
);
