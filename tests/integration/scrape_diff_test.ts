/**
 * Differential scrape test: Debian's vmagent 1.79.5 and our agent scrape the same
 * targets (a real prometheus-node-exporter and an in-test target with tricky
 * exposition text) with the same config, and write into ONE VictoriaMetrics, each
 * adding `agent=vmagent|ours` through `-remoteWrite.label`. The series that arrive
 * must be the same, except where vmagent HEAD (which we follow) differs from 1.79.5;
 * each such difference is spelled out below with the reference section it comes from
 * (`/work/shared/reference/vmagent-behaviour.md`), and our side is held to HEAD.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  freePort,
  havePeers,
  peerPath,
  type Proc,
  start,
  startAgent,
  tempDir,
  tryGetText,
  waitFor,
} from "./_peers.ts";
import {
  type ExportedSeries,
  isStaleMarker,
  type Receiver,
  seriesKey,
  startVictoriaMetrics,
  vmExport,
  waitWhileRunning,
} from "./_vm.ts";

const TESTDATA = new URL("../testdata/e2e/", import.meta.url).pathname;
const JOBS = ["node", "fixed", "fixed_honor", "fixed_limited", "variants", "vanish"];
/** Scrapes of every target each agent must have delivered before the comparison. */
const MIN_SCRAPES = 3;

type SeriesMap = Map<string, ExportedSeries>;

/** Series of one agent by key (name + labels without `agent`). */
function byKey(rows: ExportedSeries[]): SeriesMap {
  const out: SeriesMap = new Map();
  for (const r of rows) {
    const { agent: _agent, ...labels } = r.labels;
    out.set(seriesKey(r.name, labels), { ...r, labels });
  }
  return out;
}

/** The distinct values of a series, sorted (NaN-free: VictoriaMetrics drops plain NaN). */
function distinctValues(s: ExportedSeries): (number | null)[] {
  const num = (v: number | null) => v ?? -Infinity;
  return [...new Set(s.points.map(([, v]) => v))].sort((a, b) =>
    num(a) < num(b) ? -1 : num(a) > num(b) ? 1 : 0
  );
}

function agentArgs(port: number, config: string, vm: Receiver, tmp: string, agent: string) {
  return [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-promscrape.config=${config}`,
    `-remoteWrite.url=${vm.writeURL}`,
    `-remoteWrite.tmpDataPath=${tmp}`,
    `-remoteWrite.label=agent=${agent}`,
  ];
}

/**
 * Serves the fixed exposition texts on `/metrics` and `/variants`, and on `/vanish`
 * two series, one of which goes away once `vanish()` is called.
 */
async function fixedTarget(exposedTs: number) {
  const metrics = (await Deno.readTextFile(`${TESTDATA}fixed_target.prom`))
    .replaceAll("{{TS}}", String(exposedTs));
  const variants = await Deno.readTextFile(`${TESTDATA}variants_target.prom`);
  let vanished = false;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    const body = path === "/metrics"
      ? metrics
      : path === "/variants"
      ? variants
      : path === "/vanish"
      ? "diff_stays 1\n" + (vanished ? "" : "diff_vanishing 2\n")
      : undefined;
    if (body === undefined) return new Response("not found", { status: 404 });
    return new Response(body, { headers: { "content-type": "text/plain; version=0.0.4" } });
  });
  return { server, vanish: () => vanished = true };
}

Deno.test({
  name:
    "our agent and vmagent 1.79.5 deliver the same series from the same targets, apart from HEAD's changes",
  ignore: !havePeers("victoria-metrics", "vmagent", "prometheus-node-exporter"),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    await using dir = await tempDir();
    // A recent, whole-second timestamp for the exposed `diff_with_timestamp` sample.
    const exposedTs = Math.floor(Date.now() / 1000) * 1000 - 30_000;
    const { server, vanish } = await fixedTarget(exposedTs);
    const fixedAddr = `127.0.0.1:${server.addr.port}`;
    const nodePort = freePort();
    const procs: Proc[] = [];
    let vm: Receiver | undefined;
    let ours: SeriesMap;
    let theirs: SeriesMap;
    try {
      procs.push(start(peerPath("prometheus-node-exporter")!, [
        `--web.listen-address=127.0.0.1:${nodePort}`,
        // A few stable collectors keep the series set fixed during the test.
        "--collector.disable-defaults",
        "--collector.cpu",
        "--collector.meminfo",
        "--collector.loadavg",
      ]));
      await waitFor(
        "node exporter",
        () => tryGetText(`http://127.0.0.1:${nodePort}/metrics`),
        20_000,
      );
      vm = await startVictoriaMetrics(`${dir.path}/vm`);
      const config = `${dir.path}/scrape.yml`;
      await Deno.writeTextFile(
        config,
        (await Deno.readTextFile(`${TESTDATA}scrape_diff.yml`))
          .replaceAll("{{NODE}}", `127.0.0.1:${nodePort}`)
          .replaceAll("{{FIXED}}", fixedAddr),
      );
      // 1.79.5 rejects flags it does not know (reference 2.1), so both get only flags it has.
      procs.push(start(
        peerPath("vmagent")!,
        agentArgs(freePort(), config, vm, `${dir.path}/rw-vmagent`, "vmagent"),
      ));
      procs.push(startAgent(agentArgs(freePort(), config, vm, `${dir.path}/rw-ours`, "ours")));

      const receiver = vm;
      /** Waits until every job of `agent` has `n` scrapes in VictoriaMetrics. */
      const scrapes = (agent: string, n: number) =>
        waitWhileRunning(procs, `${n} scrapes of every job from ${agent}`, async () => {
          const rows = await vmExport(receiver, `scrape_samples_scraped{agent="${agent}"}`);
          const done = JOBS.every((job) =>
            rows.some((r) => r.labels.job === job && r.points.length >= n)
          );
          return done ? true : undefined;
        }, 45_000);
      await scrapes("vmagent", MIN_SCRAPES);
      await scrapes("ours", MIN_SCRAPES);
      // A series that goes away: both agents must mark it stale (reference 3.4).
      vanish();
      const vanishedAt = Date.now();
      for (const agent of ["vmagent", "ours"]) {
        await waitWhileRunning(
          procs,
          `a scrape after the series vanished, from ${agent}`,
          async () => {
            const rows = await vmExport(
              receiver,
              `scrape_samples_scraped{agent="${agent}",job="vanish"}`,
            );
            return rows[0]?.points.some(([ts]) => ts > vanishedAt + 100) ? true : undefined;
          },
          30_000,
        );
      }
      ours = byKey(await vmExport(vm, '{agent="ours"}'));
      theirs = byKey(await vmExport(vm, '{agent="vmagent"}'));
    } catch (e) {
      // The processes' last words explain most failures: they go with the error.
      const words = procs.map((p, i) => `--- process ${i} ---\n${p.output().slice(-4000)}`);
      throw new Error(`${e instanceof Error ? e.stack : e}\n${words.join("\n")}`);
    } finally {
      for (const p of procs.reverse()) await p.stop("SIGTERM", 15_000);
      await vm?.stop();
      await server.shutdown();
    }

    /** The labels of each job's target, as the config gives them. */
    const targetOf = (job: string): Record<string, string> => {
      const labels: Record<string, string> = {
        instance: job === "node" ? `127.0.0.1:${nodePort}` : fixedAddr,
        job,
      };
      if (job === "fixed" || job === "fixed_honor") labels.env = "static";
      return labels;
    };
    const get = (m: SeriesMap, name: string, job: string, extra: Record<string, string> = {}) =>
      m.get(seriesKey(name, { ...targetOf(job), ...extra }));

    await t.step("every target is up for both agents", () => {
      for (const job of JOBS) {
        for (const [agent, m] of [["ours", ours], ["vmagent", theirs]] as const) {
          const up = get(m, "up", job);
          assert.ok(up, `${agent}: no up of job ${job}`);
          // Some `up` samples of vmagent 1.79.5 are the scraped `up 9` (see below).
          assert.ok(up.points.some(([, v]) => v === 1), `${agent}: up of job ${job} never 1`);
        }
      }
      const nodeSeries = [...ours.keys()].filter((k) => k.startsWith("node_"));
      assert.ok(nodeSeries.length > 20, `node exporter series: ${nodeSeries.length}`);
    });

    await t.step("the series sets are equal, apart from HEAD's changes", () => {
      const onlyOursWant = new Set<string>();
      const onlyTheirsWant = new Set<string>();
      for (const job of JOBS) {
        const target = targetOf(job);
        // Reference 3.3: HEAD adds `scrape_response_size_bytes` to every scrape.
        onlyOursWant.add(seriesKey("scrape_response_size_bytes", target));
        if (job === "fixed_limited") {
          // Reference 3.3: HEAD adds the series-limit auto series when `series_limit` is set.
          for (
            const n of [
              "scrape_series_current",
              "scrape_series_limit",
              "scrape_series_limit_samples_dropped",
            ]
          ) {
            onlyOursWant.add(seriesKey(n, target));
          }
        }
        if (job === "fixed") {
          // Reference 3.3 (#3557, #3406): HEAD renames a scraped label-less series named
          // like an auto series to `exported_<name>` unless honor_labels is set; 1.79.5
          // writes it onto the auto series itself (same labels, so no new series).
          // In job fixed_limited these lines are beyond series_limit (the first 5 series pass).
          onlyOursWant.add(seriesKey("exported_up", target));
          onlyOursWant.add(seriesKey("exported_scrape_duration_seconds", target));
        }
        if (job === "fixed" || job === "fixed_limited") {
          // Reference 3.5: a scraped `job` clashing with the target's while `exported_job`
          // is also scraped: 1.79.5 overwrites the scraped `job` with the target value
          // (the scraped value is lost); HEAD renames `exported_job` to
          // `exported_exported_job` and `job` to `exported_job`.
          onlyTheirsWant.add(
            seriesKey("diff_clash_exported", { ...target, exported_job: "already" }),
          );
          onlyOursWant.add(seriesKey("diff_clash_exported", {
            ...target,
            exported_exported_job: "already",
            exported_job: "scraped_job",
          }));
        }
        if (job === "variants") {
          // `.5` (integer part elided): 1.79.5's number parser (fastjson v1.6.3) rejects
          // it; HEAD's (v1.6.4+, VictoriaMetrics v1.86.0, commit c90752a8be) accepts it.
          onlyOursWant.add(seriesKey("diff_num", { ...target, v: "dot" }));
          // `+7`: vmagent rejects a leading `+` on a number (1.79.5 and HEAD alike);
          // our parser accepts it on purpose, as Prometheus does (lib/scrape/parse_number.ts).
          onlyOursWant.add(seriesKey("diff_num", { ...target, v: "plus" }));
          // `15.` (fractional part elided): rejected by 1.79.5, accepted since v1.86.0 as `.5`.
          onlyOursWant.add(seriesKey("diff_trailing_dot", target));
          // `name 12 # {trace_id="abc"} 1` (an exemplar after a label-less series): vmagent,
          // 1.79.5 and HEAD alike (lib/protoparser/prometheus/parser.go, Row.unmarshal),
          // looks for the first `{` in the line, so it sends a series named
          // `diff_exemplar_comment 12 #` with the exemplar's labels and value 1. Our parser
          // ends the name at the first blank and skips the `#` tail: `diff_exemplar_comment 12`.
          // With labels before the exemplar (`diff_exemplar_labels`) both agree.
          onlyTheirsWant.add(
            seriesKey("diff_exemplar_comment 12 #", { ...target, trace_id: "abc" }),
          );
          onlyOursWant.add(seriesKey("diff_exemplar_comment", target));
        }
      }
      const onlyOurs = [...ours.keys()].filter((k) => !theirs.has(k)).sort();
      const onlyTheirs = [...theirs.keys()].filter((k) => !ours.has(k)).sort();
      assert.deepEqual(onlyOurs, [...onlyOursWant].sort(), "series only our agent sent");
      assert.deepEqual(onlyTheirs, [...onlyTheirsWant].sort(), "series only vmagent sent");
    });

    await t.step("scraped values are equal", () => {
      let compared = 0;
      for (const [key, o] of ours) {
        const th = theirs.get(key);
        const auto = o.name === "up" || o.name.startsWith("scrape_");
        // The node exporter's values change between scrapes; auto series are compared below.
        if (th === undefined || auto || o.labels.job === "node") continue;
        assert.deepEqual(distinctValues(o), distinctValues(th), `values of ${key}`);
        compared++;
      }
      assert.ok(compared > 50, `compared ${compared} series`);
      // A few exact values, so that equal-but-wrong cannot pass.
      const want: [string, string, Record<string, string>, number[]][] = [
        ["diff_special", "fixed", { v: "inf" }, [Infinity]],
        ["diff_special", "fixed", { v: "ninf" }, [-Infinity]],
        ["diff_special", "fixed", { v: "big" }, [-2.5e300]],
        // VictoriaMetrics stores -0 as 0.
        ["diff_num", "variants", { v: "neg_zero" }, [0]],
        ["diff_num", "variants", { v: "exp" }, [1000]],
        ["diff_num", "variants", { v: "dot" }, [0.5]],
        ["diff_num", "variants", { v: "plus" }, [7]],
        ["diff_dup", "variants", {}, [9, 10]],
        ["diff_exemplar_labels", "variants", { a: "1" }, [12]],
        ["diff_exemplar_comment", "variants", {}, [12]],
        ["diff_latency_seconds_bucket", "fixed", { le: "+Inf" }, [7]],
      ];
      for (const [name, job, extra, values] of want) {
        const s = get(ours, name, job, extra);
        assert.ok(s, `${name} ${JSON.stringify(extra)} of job ${job}`);
        assert.deepEqual(distinctValues(s), values, `${name} ${JSON.stringify(extra)}`);
      }
      const escaped = get(ours, "diff_escaped", "fixed", {
        nl: "line1\nline2",
        path: "C:\\dir\\file",
        quote: 'say "hi"',
        utf: "ünïcödé 😀",
      });
      assert.ok(escaped, "escaped label values are unescaped");
    });

    await t.step("auto series that both versions have carry the same values", () => {
      // Counts and settings: equal per scrape whatever the timing, so the first value
      // (the first scrape) and the set of values must match vmagent's.
      const names = [
        "scrape_samples_scraped",
        "scrape_samples_post_metric_relabeling",
        "scrape_series_added",
        "scrape_timeout_seconds",
        "scrape_samples_limit",
      ];
      const problems: string[] = [];
      // In job "variants" we parse 3 lines more than 1.79.5 (`.5`, `15.` and `+7`, above).
      const scraped = (m: SeriesMap) => get(m, "scrape_samples_scraped", "variants")!.points[0][1];
      assert.equal(scraped(ours), scraped(theirs)! + 3, "scrape_samples_scraped of job variants");
      for (const job of JOBS) {
        if (job === "variants") continue;
        for (const name of names) {
          const o = get(ours, name, job);
          const th = get(theirs, name, job);
          if (o === undefined && th === undefined) continue;
          assert.ok(o && th, `${name} of job ${job}: ours ${!!o}, vmagent ${!!th}`);
          const shape = (s: ExportedSeries) => ({ first: s.points[0][1], all: distinctValues(s) });
          const [a, b] = [shape(o), shape(th)];
          if (JSON.stringify(a) !== JSON.stringify(b)) {
            problems.push(
              `${name}{job="${job}"}: ours ${JSON.stringify(a)}, vmagent ${JSON.stringify(b)}`,
            );
          }
        }
      }
      assert.deepEqual(problems, []);
    });

    await t.step("a series that vanished ends with a staleness marker in both", () => {
      for (const [agent, m] of [["ours", ours], ["vmagent", theirs]] as const) {
        const gone = get(m, "diff_vanishing", "vanish");
        assert.ok(gone, `${agent}: diff_vanishing`);
        assert.ok(isStaleMarker(gone.points.at(-1)![1]), `${agent}: the last point is a marker`);
        assert.equal(
          gone.points.filter(([, v]) => isStaleMarker(v)).length,
          1,
          `${agent}: one marker`,
        );
        const stays = get(m, "diff_stays", "vanish");
        assert.ok(stays && stays.points.every(([, v]) => v === 1), `${agent}: diff_stays`);
      }
    });

    await t.step("honor_timestamps follows HEAD's default", () => {
      // Reference 3.5: honor_timestamps defaults to true in 1.79.5 and to false in HEAD
      // (v1.93.0+), so in job "fixed" vmagent keeps the exposed timestamp and we use the
      // scrape time; with an explicit `honor_timestamps: true` (job "fixed_honor") both keep it.
      const timestamps = (m: SeriesMap, job: string, name = "diff_with_timestamp") => {
        const s = get(m, name, job);
        assert.ok(s, `${name} of job ${job}`);
        return [...new Set(s.points.map(([ts]) => ts))];
      };
      assert.deepEqual(timestamps(theirs, "fixed"), [exposedTs]);
      const oursFixed = timestamps(ours, "fixed");
      assert.ok(oursFixed.length >= MIN_SCRAPES, `scrape times: ${oursFixed}`);
      assert.ok(oursFixed.every((ts) => ts > exposedTs), `scrape times: ${oursFixed}`);
      assert.deepEqual(timestamps(theirs, "fixed_honor"), [exposedTs]);
      assert.deepEqual(timestamps(ours, "fixed_honor"), [exposedTs]);
      // A timestamp in [-2^31, 2^31) is OpenMetrics seconds (job "variants" honors them).
      assert.deepEqual(timestamps(theirs, "variants", "diff_timestamp_seconds"), [1.7e12]);
      assert.deepEqual(timestamps(ours, "variants", "diff_timestamp_seconds"), [1.7e12]);
    });
  },
});
