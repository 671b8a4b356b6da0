/**
 * End-to-end remote write through the whole agent (`main.ts`) into real receivers:
 * VictoriaMetrics single node and Prometheus 2.42 at once (two `-remoteWrite.url`s),
 * read back through their query APIs: exact values, timestamps on the scrape grid,
 * labels, staleness markers after a target is removed by a SIGHUP reload, and no
 * loss or duplicate across a receiver outage.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  freePort,
  havePeers,
  type Proc,
  startAgent,
  tempDir,
  tryGetText,
  waitFor,
} from "./_peers.ts";
import {
  type ExportedSeries,
  isStaleMarker,
  promQuery,
  promSeries,
  type Receiver,
  seriesKey,
  startPrometheus,
  startVictoriaMetrics,
  vmExport,
  vmSeries,
  waitWhileRunning,
} from "./_vm.ts";

const TESTDATA = new URL("../testdata/e2e/", import.meta.url).pathname;
/** `scrape_interval` of receivers.yml, ms. */
const INTERVAL = 2000;

/**
 * A target whose counter `e2e_scrapes_total` is the number of times it was scraped
 * (so value k is the k-th scrape, which arrived at `arrivals[k - 1]`), next to fixed
 * series with escaped labels and special values; `/keep` serves one more series.
 */
function countingTarget() {
  const arrivals: number[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/keep") return new Response("e2e_keep 1\n");
    if (path !== "/metrics") return new Response("not found", { status: 404 });
    const n = arrivals.push(Date.now());
    return new Response(
      [
        "# TYPE e2e_scrapes_total counter",
        `e2e_scrapes_total ${n}`,
        'e2e_gauge{path="a\\"b\\\\c",utf="ünïcödé"} 0.25',
        'e2e_special{v="nan"} NaN',
        'e2e_special{v="inf"} +Inf',
        'e2e_special{v="ninf"} -Inf',
        "",
      ].join("\n"),
      { headers: { "content-type": "text/plain; version=0.0.4" } },
    );
  });
  return { server, addr: `127.0.0.1:${server.addr.port}`, arrivals };
}

/** Writes a config from a template of tests/testdata/e2e with the target's address. */
async function writeConfig(path: string, template: string, target: string): Promise<void> {
  const text = await Deno.readTextFile(`${TESTDATA}${template}`);
  await Deno.writeTextFile(path, text.replaceAll("{{TARGET}}", target));
}

function agentArgs(port: number, config: string, tmp: string, urls: string[]): string[] {
  return [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-promscrape.config=${config}`,
    `-remoteWrite.tmpDataPath=${tmp}`,
    ...urls.map((u) => `-remoteWrite.url=${u}`),
  ];
}

/** Points that are samples, not staleness markers. */
function samplesOf(s: ExportedSeries): [number, number][] {
  return s.points.filter((p): p is [number, number] => !isStaleMarker(p[1]));
}

const isStale = (p: [number, number | null] | undefined) => p !== undefined && isStaleMarker(p[1]);

/**
 * Asserts that the counter's samples are exactly scrapes 1..N, once each and in
 * order, with timestamps that belong to their scrapes and sit on the scrape grid:
 * the previous timestamp plus the interval, unless the scrape ran off the grid by
 * more than 10% of the interval, when vmagent takes the real time (reference 3.1).
 * Returns N.
 */
function assertEveryScrapeOnce(samples: [number, number][], arrivals: number[]): number {
  const values = samples.map(([, v]) => v);
  assert.deepEqual(
    values,
    values.map((_, i) => i + 1),
    `values are 1..N, each once: ${JSON.stringify(samples)}`,
  );
  assert.ok(
    values.length <= arrivals.length,
    `${values.length} samples, ${arrivals.length} scrapes`,
  );
  let onGrid = 0;
  for (let i = 0; i < samples.length; i++) {
    const ts = samples[i][0];
    // Scrape i+1 started before it reached the target and after scrape i did.
    if (i > 0) assert.ok(ts > arrivals[i - 1], `sample ${i + 1} at ${ts} precedes scrape ${i}`);
    if (i + 1 < arrivals.length) {
      assert.ok(ts < arrivals[i + 1], `sample ${i + 1} at ${ts} follows scrape ${i + 2}`);
    }
    if (i === 0) continue;
    const expected = samples[i - 1][0] + INTERVAL;
    // The request reaches the target just after the tick; when it came within 5% of
    // the grid time, the tick was within 10%, so the grid timestamp must be used.
    if (Math.abs(arrivals[i] - expected) <= INTERVAL * 0.05) {
      assert.equal(ts, expected, `sample ${i + 1} is off the scrape grid`);
      onGrid++;
    } else {
      assert.ok(ts === expected || ts <= arrivals[i], `sample ${i + 1} at ${ts}`);
    }
  }
  assert.ok(onGrid > 0, `no scrape came on time: ${JSON.stringify({ samples, arrivals })}`);
  return values.length;
}

async function exportOne(vm: Receiver, selector: string): Promise<ExportedSeries | undefined> {
  const rows = await vmExport(vm, selector);
  assert.ok(rows.length <= 1, `${selector} matched ${rows.length} series`);
  return rows[0];
}

Deno.test({
  name:
    "the agent (scraping in 2 Workers) writes exact samples to VictoriaMetrics and Prometheus at once, and marks a removed target stale in both",
  ignore: !havePeers("victoria-metrics", "prometheus"),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    const target = countingTarget();
    let vm: Receiver | undefined;
    let prom: Receiver | undefined;
    let agent: Proc | undefined;
    try {
      [vm, prom] = await Promise.all([
        startVictoriaMetrics(`${dir.path}/vm`),
        startPrometheus(`${dir.path}/prom`),
      ]);
      const config = `${dir.path}/scrape.yml`;
      await writeConfig(config, "receivers.yml", target.addr);
      agent = startAgent([
        ...agentArgs(freePort(), config, `${dir.path}/rw`, [vm.writeURL, prom.writeURL]),
        "-promscrape.workers=2",
      ]);
      const [v, p, a] = [vm, prom, agent];

      await waitWhileRunning([a], "4 scrapes in both receivers", async () => {
        const s = await exportOne(v, 'e2e_scrapes_total{job="e2e"}');
        const r = await promQuery(p, 'e2e_scrapes_total{job="e2e"}[10m]');
        return s && s.points.length >= 4 && (r[0]?.values?.length ?? 0) >= 4 ? true : undefined;
      }, 45_000);

      // Remove the job "e2e" between two of its scrapes, so none is cut short.
      await waitFor(
        "a moment just after a scrape",
        () => {
          const since = Date.now() - target.arrivals[target.arrivals.length - 1];
          return since >= 200 && since <= 800 ? true : undefined;
        },
        10_000,
        20,
      );
      await writeConfig(config, "receivers_reloaded.yml", target.addr);
      a.child.kill("SIGHUP");
      const stale = await waitWhileRunning(
        [a],
        "the staleness marker in VictoriaMetrics",
        async () => {
          const s = await exportOne(v, 'e2e_scrapes_total{job="e2e"}');
          return s && isStale(s.points.at(-1)) ? s : undefined;
        },
        30_000,
      );
      const scrapes = target.arrivals.length;

      // VictoriaMetrics: every scrape once, on the grid, then one staleness marker.
      const samples = samplesOf(stale);
      assert.equal(samples.length, stale.points.length - 1, "only the last point is stale");
      assert.equal(assertEveryScrapeOnce(samples, target.arrivals), scrapes);
      const staleTs = stale.points.at(-1)![0];
      assert.ok(staleTs > samples.at(-1)![0], "the marker follows the last sample");
      assert.deepEqual(stale.labels, { instance: target.addr, job: "e2e" });
      // Reference 3.4: a removed target also gets markers on its auto series (HEAD: all).
      const autoNames = [
        "up",
        "scrape_duration_seconds",
        "scrape_response_size_bytes",
        "scrape_samples_post_metric_relabeling",
        "scrape_samples_scraped",
        "scrape_series_added",
        "scrape_timeout_seconds",
      ];
      for (const name of autoNames) {
        const s = await exportOne(v, `${name}{job="e2e"}`);
        assert.ok(s, name);
        assert.ok(isStale(s.points.at(-1)), `${name} ends with a staleness marker`);
        assert.equal(s.points.at(-1)![0], staleTs, `${name}'s marker time`);
      }
      // The other job keeps being scraped after the reload.
      await waitFor(
        "e2e_keep after the reload",
        async () => {
          const s = await exportOne(v, 'e2e_keep{job="e2e_keep"}');
          return s && s.points.at(-1)![0] > staleTs ? true : undefined;
        },
        20_000,
        300,
      );

      const byJSON = (a: unknown, b: unknown) =>
        JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0;
      const fixed = await vmExport(v, '{__name__=~"e2e_gauge|e2e_special"}');
      const labels1 = { instance: target.addr, job: "e2e" };
      assert.deepEqual(
        fixed.map((s) => [s.name, s.labels, [...new Set(samplesOf(s).map(([, x]) => x))]])
          .sort(byJSON),
        [
          ["e2e_gauge", { ...labels1, path: 'a"b\\c', utf: "ünïcödé" }, [0.25]],
          // VictoriaMetrics drops plain NaN samples: only the staleness marker is kept.
          ["e2e_special", { ...labels1, v: "nan" }, []],
          ["e2e_special", { ...labels1, v: "inf" }, [Infinity]],
          ["e2e_special", { ...labels1, v: "ninf" }, [-Infinity]],
        ].sort(byJSON),
      );

      // Both receivers hold the same series.
      const keys = (rows: Record<string, string>[]) =>
        rows.map(({ __name__: name, ...labels }) => seriesKey(name, labels)).sort();
      assert.deepEqual(
        keys(await promSeries(p, '{job="e2e"}')),
        [
          seriesKey("e2e_gauge", { ...labels1, path: 'a"b\\c', utf: "ünïcödé" }),
          seriesKey("e2e_scrapes_total", labels1),
          ...["inf", "nan", "ninf"].map((x) => seriesKey("e2e_special", { ...labels1, v: x })),
          ...autoNames.map((name) => seriesKey(name, labels1)),
        ].sort(),
      );
      assert.deepEqual(
        keys(await vmSeries(v, '{job="e2e"}')),
        keys(await promSeries(p, '{job="e2e"}')),
      );

      // Prometheus: the same samples; the marker is not a sample but ends the series.
      const range = await promQuery(p, 'e2e_scrapes_total{job="e2e"}[10m]');
      assert.equal(range.length, 1);
      assert.deepEqual(range[0].metric, {
        __name__: "e2e_scrapes_total",
        instance: target.addr,
        job: "e2e",
      });
      assert.deepEqual(range[0].values, samples.map(([ts, x]) => [ts / 1000, String(x)]));
      const lastTs = samples.at(-1)![0];
      const atLast = await promQuery(p, 'e2e_scrapes_total{job="e2e"}', lastTs);
      assert.deepEqual(atLast.map((r) => r.value), [[lastTs / 1000, String(scrapes)]]);
      // The marker reaches Prometheus through its own queue.
      await waitFor(
        "the staleness marker in Prometheus",
        async () => {
          const r = await promQuery(p, '{__name__=~"e2e_scrapes_total|up",job="e2e"}', staleTs);
          return r.length === 0 ? true : undefined;
        },
        20_000,
        300,
      );
      const special = await promQuery(p, 'e2e_special{job="e2e"}', lastTs);
      assert.deepEqual(
        special.map((r) => [r.metric.v, r.value?.[1]]).sort(),
        [["inf", "+Inf"], ["nan", "NaN"], ["ninf", "-Inf"]],
      );
      const promGauge = await promQuery(p, 'e2e_gauge{job="e2e"}', lastTs);
      assert.deepEqual(promGauge.map((r) => [r.metric.path, r.metric.utf, r.value?.[1]]), [
        ['a"b\\c', "ünïcödé", "0.25"],
      ]);
    } catch (e) {
      // The agent's last words explain most failures: they go with the error, not to the console.
      if (!agent) throw e;
      throw new Error(
        `${e instanceof Error ? e.stack : e}\n--- agent output ---\n${agent.output().slice(-4000)}`,
      );
    } finally {
      await agent?.stop("SIGTERM", 15_000);
      await vm?.stop();
      await prom?.stop();
      await target.server.shutdown();
    }
  },
});

Deno.test({
  name:
    "the agent (scraping in the main thread) delivers every sample exactly once, in order, across a 10 s VictoriaMetrics outage",
  ignore: !havePeers("victoria-metrics"),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    const target = countingTarget();
    let vm: Receiver | undefined;
    let agent: Proc | undefined;
    try {
      vm = await startVictoriaMetrics(`${dir.path}/vm`);
      const config = `${dir.path}/scrape.yml`;
      await writeConfig(config, "receivers.yml", target.addr);
      const agentPort = freePort();
      agent = startAgent([
        ...agentArgs(agentPort, config, `${dir.path}/rw`, [vm.writeURL]),
        "-promscrape.workers=0",
      ]);
      const [v, a] = [vm, agent];
      const counter = () => exportOne(v, 'e2e_scrapes_total{job="e2e"}');

      await waitWhileRunning([a], "3 samples in VictoriaMetrics", async () => {
        const s = await counter();
        return s && s.points.length >= 3 ? true : undefined;
      }, 45_000);
      await v.stop();
      const before = target.arrivals.length;
      await new Promise((r) => setTimeout(r, 10_000));
      const atRestart = target.arrivals.length;
      assert.ok(atRestart - before >= 3, `scrapes during the outage: ${atRestart - before}`);
      await v.restart();

      // Blocks are retried independently, so a late one may still be in its back-off
      // while later ones have arrived: wait for a gap-free run past the outage (on a
      // time-out, the assertions below show what is missing).
      const complete = (s: ExportedSeries | undefined) => {
        const values = s ? samplesOf(s).map(([, x]) => x) : [];
        return values.length > atRestart && values.every((x, i) => x === i + 1);
      };
      const s = await waitWhileRunning([a], "the samples of the outage", async () => {
        const s = await counter();
        return complete(s) ? s : undefined;
      }, 60_000).catch(async (e) => {
        const s = await counter();
        if (s === undefined) throw e;
        return s;
      });
      assert.ok(!s.points.some(isStale), "no staleness marker");
      const n = assertEveryScrapeOnce(samplesOf(s), target.arrivals);
      assert.ok(n > atRestart, `${n} samples`);
      // The sender did retry (vmagent's self-metrics).
      const metrics = await tryGetText(`http://127.0.0.1:${agentPort}/metrics`) ?? "";
      const errors = metrics.match(/^vmagent_remotewrite_errors_total\{[^}]*\} (\d+)$/m);
      assert.ok(
        errors && Number(errors[1]) > 0,
        "vmagent_remotewrite_errors_total counts the failed sends",
      );
    } catch (e) {
      // The agent's last words explain most failures: they go with the error, not to the console.
      if (!agent) throw e;
      throw new Error(
        `${e instanceof Error ? e.stack : e}\n--- agent output ---\n${agent.output().slice(-4000)}`,
      );
    } finally {
      await agent?.stop("SIGTERM", 15_000);
      await vm?.stop();
      await target.server.shutdown();
    }
  },
});
