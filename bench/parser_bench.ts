/**
 * Micro-benchmarks of the scrape hot path: the exposition scanner, the full
 * parser, one target's processing (cache hits and a cold cache), and the
 * body decoding that precedes them. Times are per scrape of `SERIES` lines.
 *
 * @module
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { parsePrometheusText, type RowVisitor, scanPrometheusText } from "../lib/scrape/parser.ts";
import { TargetProcessor } from "../lib/scrape/target_processor.ts";
import type { EncodedSeriesBatch, Sink, TimeSeries } from "../lib/util/series.ts";
import { SCRAPE_TEXTS, SERIES, targetConfig } from "./_fixtures.ts";

let rows = 0;
const NOOP: RowVisitor = {
  row() {
    rows++;
    return undefined;
  },
  error() {},
};

const [text] = SCRAPE_TEXTS;
const bytes = new TextEncoder().encode(text);
const gzipped = gzipSync(bytes);
const decoder = new TextDecoder();

Deno.bench(`scanPrometheusText, no-op visitor (${SERIES} series)`, {
  group: "parse",
  baseline: true,
}, () => {
  scanPrometheusText(text, NOOP);
});

Deno.bench(`parsePrometheusText, rows with labels (${SERIES} series)`, { group: "parse" }, () => {
  parsePrometheusText(text);
});

Deno.bench(`TextDecoder.decode of the body (${bytes.length} bytes)`, { group: "body" }, () => {
  decoder.decode(bytes);
});

Deno.bench(
  `gunzip + decode of the body (${gzipped.length} bytes gzipped)`,
  { group: "body" },
  () => {
    decoder.decode(gunzipSync(gzipped));
  },
);

let pushed = 0;
// Takes encoded batches, as remote write does (a push-only sink would get decoded labels).
const SINK: Sink & { pushEncoded(b: EncodedSeriesBatch): boolean } = {
  push(series: TimeSeries[]) {
    pushed += series.length;
    return true;
  },
  pushEncoded(batch: EncodedSeriesBatch) {
    pushed += batch.length;
    return true;
  },
};

const CONFIG = targetConfig();

function scrape(p: TargetProcessor, ts: number, body: string): void {
  p.begin(ts, false);
  p.feed(body);
  p.finish(undefined, 0.01, body.length);
}

const warm = new TargetProcessor(CONFIG, { sink: SINK });
let tick = 0;
scrape(warm, 1_700_000_000_000, SCRAPE_TEXTS[0]);

Deno.bench(
  `TargetProcessor scrape, known series (${SERIES} series + auto series)`,
  { group: "target", baseline: true },
  () => {
    tick++;
    scrape(warm, 1_700_000_000_000 + tick * 1000, SCRAPE_TEXTS[tick & 1]);
  },
);

Deno.bench(
  `TargetProcessor scrape, first scrape (${SERIES} new series)`,
  { group: "target" },
  () => {
    scrape(new TargetProcessor(CONFIG, { sink: SINK }), 1_700_000_000_000, SCRAPE_TEXTS[0]);
  },
);
