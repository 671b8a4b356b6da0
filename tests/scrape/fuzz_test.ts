import { deepEqual, equal } from "node:assert/strict";
import { parsePrometheusText } from "../../lib/scrape/parser.ts";
import { LineBlocks } from "../../lib/scrape/line_blocks.ts";
import { TargetProcessor } from "../../lib/scrape/target_processor.ts";
import { CollectingSink, testRelabel } from "./_helpers.ts";

/** mulberry32: a small seeded PRNG, so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  "foo",
  "bar_total",
  "{",
  "}",
  '"',
  "\\",
  "\\n",
  '\\"',
  "=",
  ",",
  " ",
  "\t",
  "\n",
  "\r\n",
  "#",
  "# HELP x y\n",
  "# TYPE x counter\n",
  "# EOF\n",
  'a="b"',
  'le="+Inf"',
  "1",
  "-2.5e3",
  "NaN",
  "+Inf",
  "-Inf",
  "Infinity",
  "1e",
  "0x1f",
  "1700000000000",
  "1700000000.5",
  "{}",
  "ü",
  "温度",
  "\u0000",
  ' # {trace_id="x"} 1 2',
];

const VALID = [
  'http_requests_total{method="post",code="200"} 1027 1395066363000',
  'http_requests_total{method="post",code="400"}    3 1395066363000',
  "# HELP http_requests_total The total number of HTTP requests.",
  'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
  "metric_without_timestamp_and_labels 12.47",
  'something_weird{problem="division by zero"} +Inf -3982045',
  'http_request_duration_seconds_bucket{le="0.05"} 24054',
  "rpc_duration_seconds_sum 1.7560473e+07",
  'foo_total 17.0 1520879607.789 # {id="counter-test"} 5',
];

function randomBody(rnd: () => number): string {
  const kind = rnd();
  if (kind < 0.4) {
    let s = "";
    const n = Math.floor(rnd() * 60);
    for (let i = 0; i < n; i++) s += FRAGMENTS[Math.floor(rnd() * FRAGMENTS.length)];
    return s;
  }
  if (kind < 0.8) {
    let s = "";
    const n = 1 + Math.floor(rnd() * 20);
    for (let i = 0; i < n; i++) {
      s += VALID[Math.floor(rnd() * VALID.length)] + (rnd() < 0.1 ? "\r\n" : "\n");
    }
    // Truncate at a random point, as a dropped connection would.
    return s.substring(0, Math.floor(rnd() * (s.length + 1)));
  }
  const bytes = new Uint8Array(Math.floor(rnd() * 200));
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256);
  return new TextDecoder().decode(bytes);
}

function rows(sink: CollectingSink): string[] {
  return sink.lines().filter((l) => !/^(up|scrape_)/.test(l) && !l.includes("STALE"));
}

Deno.test("the parser and scraper survive random and truncated bodies with consistent results", () => {
  const rnd = prng(20240601);
  for (let iter = 0; iter < 400; iter++) {
    const body = randomBody(rnd);
    const lineCount = body === "" ? 0 : body.split("\n").length;
    const { rows: parsed, errors } = parsePrometheusText(body);
    equal(parsed.length + errors.length <= lineCount, true, `iteration ${iter}`);
    for (const r of parsed) {
      equal(typeof r.value, "number");
      equal(Number.isInteger(r.timestamp), true);
      equal(r.metric.length > 0, true);
    }
    for (const e of errors) equal(e.line >= 1 && e.line <= lineCount, true);

    // The cached path (second scrape) gives what the fresh path (first scrape) gave.
    const sink = new CollectingSink();
    const p = new TargetProcessor({
      scrapeUrl: "http://t/metrics",
      targetLabels: [{ name: "job", value: "j" }],
      externalLabels: [],
      honorLabels: false,
      honorTimestamps: true,
      metricRelabelConfigs: [],
      labelLimit: 0,
      relabel: testRelabel,
      sampleLimit: 0,
      seriesLimit: 0,
      scrapeTimeoutSeconds: 1,
      noStaleMarkers: false,
    }, { sink });
    p.begin(1000, false);
    p.feed(body);
    const r1 = p.finish(undefined, 0, body.length);
    const first = rows(sink);
    equal(r1.samplesScraped, parsed.length, `iteration ${iter}: ${JSON.stringify(body)}`);
    sink.clear();
    p.begin(1000, true);
    // Streaming in two blocks cut at a line break gives the same series.
    const cut = body.indexOf("\n", Math.floor(rnd() * body.length));
    if (cut >= 0) {
      p.feed(body.substring(0, cut + 1));
      p.feed(body.substring(cut + 1));
    } else {
      p.feed(body);
    }
    const r2 = p.finish(undefined, 0, body.length);
    deepEqual(rows(sink), first, `iteration ${iter}`);
    equal(r2.samplesScraped, r1.samplesScraped);
  }
});

Deno.test("LineBlocks reassembles any chunking of any text", () => {
  const rnd = prng(7);
  for (let iter = 0; iter < 200; iter++) {
    const text = randomBody(rnd) + "\n" + "é€😀 line\n".repeat(Math.floor(rnd() * 50));
    const bytes = new TextEncoder().encode(text);
    const lb = new LineBlocks({ blockSize: 1 + Math.floor(rnd() * 64) });
    const blocks: string[] = [];
    let i = 0;
    while (i < bytes.length) {
      const n = 1 + Math.floor(rnd() * 17);
      lb.push(bytes.subarray(i, i + n), (b) => blocks.push(b));
      i += n;
    }
    lb.end((b) => blocks.push(b));
    equal(blocks.join(""), new TextDecoder().decode(bytes));
    for (const b of blocks.slice(0, -1)) equal(b.endsWith("\n"), true);
  }
});
