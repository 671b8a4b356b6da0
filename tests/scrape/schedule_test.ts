import { equal } from "node:assert/strict";
import { initXXHash64 } from "../../lib/util/xxhash64.ts";
import {
  firstScrapeDelay,
  nextScrapeTimestamp,
  scrapePhase,
  scrapePhaseKey,
} from "../../lib/scrape/schedule.ts";

await initXXHash64();

const LABELS = [{ name: "instance", value: "10.0.0.1:9100" }, { name: "job", value: "node" }];
const URL_ = "http://10.0.0.1:9100/metrics";

Deno.test("scrapePhaseKey() writes vmagent's key text", () => {
  equal(
    scrapePhaseKey("", 0, URL_, LABELS),
    'clusterName=, clusterMemberID=0, ScrapeURL=http://10.0.0.1:9100/metrics, Labels={instance="10.0.0.1:9100",job="node"}',
  );
  equal(
    scrapePhaseKey("eu", 3, "http://a/m", [{ name: "l", value: 'q"\n' }]),
    'clusterName=eu, clusterMemberID=3, ScrapeURL=http://a/m, Labels={l="q\\"\\n"}',
  );
});

Deno.test("scrapePhase() matches the reference example for members 0 and 1", () => {
  const f = (member: number, wantSeconds: number) => {
    const phase = scrapePhase(60_000, scrapePhaseKey("", member, URL_, LABELS)) / 1000;
    equal(Math.abs(phase - wantSeconds) < 0.001, true, `member ${member}: ${phase}`);
  };
  f(0, 0.075);
  f(1, 46.382);
});

Deno.test("firstScrapeDelay() waits for the target's phase within the interval", () => {
  const key = scrapePhaseKey("", 1, URL_, LABELS);
  const phase = scrapePhase(60_000, key);
  const f = (now: number, want: number) => {
    const d = firstScrapeDelay({
      now,
      interval: 60_000,
      alignInterval: 0,
      offset: 0,
      phaseKey: key,
    });
    equal(Math.abs(d - want) < 1e-6, true, `now=${now}: ${d} want ${want}`);
  };
  f(0, phase);
  f(60_000 * 1000, phase);
  f(60_000 * 1000 + 10_000, phase - 10_000);
  f(60_000 * 1000 + 50_000, phase + 10_000);
  // Exactly on the phase: scrape at once.
  f(phase, 0);
});

Deno.test("firstScrapeDelay() aligns to scrape_align_interval and scrape_offset", () => {
  const f = (
    now: number,
    interval: number,
    alignInterval: number,
    offset: number,
    want: number,
  ) => {
    equal(firstScrapeDelay({ now, interval, alignInterval, offset, phaseKey: "ignored" }), want);
  };
  // Align to a minute with a 10 s interval: the delay wraps within the interval.
  f(125_000, 10_000, 60_000, 0, 5_000);
  f(120_000, 10_000, 60_000, 0, 0);
  // Offset: next multiple of the interval plus the offset, modulo the interval.
  f(60_000, 60_000, 0, 5_000, 5_000);
  f(61_000, 60_000, 0, 5_000, 4_000);
  f(66_000, 60_000, 0, 5_000, 59_000);
  // An offset wins over an align interval (the interval is used for alignment).
  f(61_000, 60_000, 3_600_000, 5_000, 4_000);
});

Deno.test("nextScrapeTimestamp() keeps timestamps evenly spaced unless the tick drifts by > 10%", () => {
  const f = (prev: number, tick: number, want: number) =>
    equal(nextScrapeTimestamp(prev, 10_000, tick), want);
  f(0, 10_000, 10_000);
  f(0, 10_900, 10_000);
  f(0, 9_000, 10_000);
  f(0, 11_001, 11_001);
  f(0, 8_999, 8_999);
  f(0, 40_000, 40_000);
});
