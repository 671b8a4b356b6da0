import assert from "node:assert/strict";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { RateLimiter } from "../../lib/remotewrite/rate_limiter.ts";
import {
  remoteWriteHeaders,
  sendBlock,
  type SendTarget,
} from "../../lib/remotewrite/send_block.ts";
import { getLogger } from "../../lib/util/log.ts";
import { captureLogs } from "../queue/_helpers.ts";
import { FakeClient, hang, ManualClock, metricValue, type Reply } from "./_fakes.ts";

const URL_ = "http://127.0.0.1:1/api/v1/write";
const U = 'url="1:secret-url"';

function setup(script: Reply[], extra: Partial<SendTarget> = {}) {
  const clock = new ManualClock();
  const client = new FakeClient(clock, script);
  const reg = new MetricsRegistry();
  const t: SendTarget = {
    url: URL_,
    sanitizedURL: "1:secret-url",
    client,
    headers: remoteWriteHeaders([["X-Scope-OrgID", "team-a"], ["User-Agent", "not-used"]]),
    sendTimeout: 60_000,
    retryMinInterval: 1000,
    retryMaxInterval: 60_000,
    clock,
    random: () => 0,
    metrics: {
      requestDuration: reg.histogram(`vmagent_remotewrite_duration_seconds{${U}}`),
      requestsOK: reg.counter(`vmagent_remotewrite_requests_total{${U},status_code="2XX"}`),
      requestsByStatus: (c) =>
        reg.counter(`vmagent_remotewrite_requests_total{${U},status_code="${c}"}`),
      errors: reg.counter(`vmagent_remotewrite_errors_total{${U}}`),
      retries: reg.counter(`vmagent_remotewrite_retries_count_total{${U}}`),
      packetsDropped: reg.counter(`vmagent_remotewrite_packets_dropped_total{${U}}`),
      bytesSent: reg.counter(`vmagent_remotewrite_bytes_sent_total{${U}}`),
      blocksSent: reg.counter(`vmagent_remotewrite_blocks_sent_total{${U}}`),
    },
    log: getLogger("test"),
    ...extra,
  };
  const m = (name: string, labels = U) => metricValue(reg, `${name}{${labels}}`);
  return { clock, client, reg, t, m };
}

const BLOCK = new Uint8Array([1, 2, 3, 4, 5]);

/** Runs sendBlock while advancing the clock, returning its result and the request times (relative). */
async function run(s: ReturnType<typeof setup>, advanceMs: number, opts = {}) {
  const start = s.clock.now();
  let result: boolean | undefined;
  const p = sendBlock(BLOCK, s.t, opts).then((r) => result = r);
  await s.clock.advance(advanceMs);
  await Promise.race([p, s.clock.advance(0)]);
  return { result, times: s.client.requests.map((r) => r.at - start) };
}

Deno.test("sendBlock() posts the block with vmagent's headers after the custom ones", async () => {
  const s = setup([204]);
  const { result } = await run(s, 0);
  assert.equal(result, true);
  const req = s.client.requests[0];
  assert.equal(req.url, URL_);
  assert.deepEqual(req.body, BLOCK);
  assert.equal(req.headers.get("content-type"), "application/x-protobuf");
  assert.equal(req.headers.get("content-encoding"), "snappy");
  assert.equal(req.headers.get("x-prometheus-remote-write-version"), "0.1.0");
  assert.equal(req.headers.get("user-agent"), "vmagent", "custom headers cannot replace vmagent's");
  assert.equal(req.headers.get("x-scope-orgid"), "team-a");
  assert.equal(s.m("vmagent_remotewrite_requests_total", `${U},status_code="2XX"`), 1);
  assert.equal(s.m("vmagent_remotewrite_bytes_sent_total"), 5);
  assert.equal(s.m("vmagent_remotewrite_blocks_sent_total"), 1);
});

Deno.test("sendBlock() drops a block rejected with 409, 400 or 415 and counts it", async () => {
  const f = async (status: number) => {
    using logs = captureLogs();
    const s = setup([{ status, body: "bad data" }]);
    const { result } = await run(s, 10_000);
    assert.equal(result, true, `${status}`);
    assert.equal(s.client.requests.length, 1, `${status}: not retried`);
    assert.equal(s.m("vmagent_remotewrite_packets_dropped_total"), 1);
    assert.equal(s.m("vmagent_remotewrite_requests_total", `${U},status_code="${status}"`), 1);
    assert.match(
      logs.text(),
      new RegExp(
        `rejected \\(skipping the block\\): status code ${status}; response body: bad data`,
      ),
    );
  };
  for (const status of [409, 400, 415]) await f(status);
});

Deno.test("sendBlock() retries other statuses with doubling delays capped at retryMaxInterval", async () => {
  using _logs = captureLogs();
  const s = setup([500, 503, 429, 502, 500, 200], { retryMaxInterval: 5000 });
  const { result, times } = await run(s, 30_000);
  assert.equal(result, true);
  assert.deepEqual(times, [0, 1000, 3000, 7000, 12000, 17000]);
  assert.equal(s.m("vmagent_remotewrite_retries_count_total"), 5);
  assert.equal(s.m("vmagent_remotewrite_requests_total", `${U},status_code="500"`), 2);
  assert.equal(s.m("vmagent_remotewrite_requests_total", `${U},status_code="429"`), 1);
  assert.equal(
    s.m("vmagent_remotewrite_errors_total"),
    0,
    "errors_total counts network errors only",
  );
});

Deno.test("sendBlock() honours Retry-After in seconds and as an HTTP date, clamped to the interval range", async () => {
  using _logs = captureLogs();
  const f = async (retryAfter: (now: number) => string, want: number) => {
    const clock0 = new ManualClock().now();
    const s = setup([{ status: 429, headers: { "Retry-After": retryAfter(clock0) } }, 204], {
      retryMaxInterval: 30_000,
    });
    const { times } = await run(s, 60_000);
    assert.deepEqual(times, [0, want], retryAfter(clock0));
  };
  await f(() => "7", 7000);
  await f((now) => new Date(now + 12_000).toUTCString(), 12_000);
  await f(() => "3600", 30_000); // clamped to retryMaxInterval
  await f(() => "0", 1000); // ignored
  await f(() => "soon", 1000); // invalid: ignored
});

Deno.test("sendBlock() calls onRetry after each failed attempt", async () => {
  using _logs = captureLogs();
  const s = setup([500, new TypeError("connection refused"), 409, 204]);
  let retries = 0;
  const { result } = await run(s, 10_000, { onRetry: () => retries++ });
  assert.equal(result, true);
  assert.equal(retries, 2, "a 409 drop is not a retry");
});

Deno.test("sendBlock() adds up to 10% jitter to each delay", async () => {
  using _logs = captureLogs();
  const s = setup([500, 500, 204], { random: () => 0.5 });
  const { times } = await run(s, 10_000);
  assert.deepEqual(times, [0, 1050, 1050 + 2100]);
});

Deno.test("sendBlock() retries network errors and counts them in errors_total", async () => {
  using logs = captureLogs();
  const s = setup([new TypeError("error sending request: Connection refused (os error 111)"), 204]);
  const { result, times } = await run(s, 5000);
  assert.equal(result, true);
  assert.deepEqual(times, [0, 1000]);
  assert.equal(s.m("vmagent_remotewrite_errors_total"), 1);
  assert.match(
    logs.text(),
    /couldn't send a block with size 5 bytes to "1:secret-url": .*Connection refused.*re-sending the block in 1s/,
  );
});

Deno.test("sendBlock() logs the cause of a network error with the URL hidden", async () => {
  const f = async (err: Error, want: string) => {
    using logs = captureLogs();
    const s = setup([err, 204]);
    await run(s, 5000);
    const line = logs.lines.find((l) => l.includes("couldn't send a block")) ?? logs.text();
    assert.ok(line.includes(`to "1:secret-url": ${want}; re-sending the block in 1s`), line);
    assert.doesNotMatch(line, /127\.0\.0\.1:1\b|token|s3cret/);
  };
  // Deno's fetch: the message says little, the cause says what happened and names the URL.
  await f(
    new TypeError("fetch failed", {
      cause: new Error(
        "error sending request for url (http://127.0.0.1:1/api/v1/write?token=abc): " +
          "client error (Connect): tcp connect error: Connection refused (os error 111)",
      ),
    }),
    "fetch failed: error sending request for url (1:secret-url): client error (Connect): " +
      "tcp connect error: Connection refused (os error 111)",
  );
  // Deno's message for a connection lost mid-request names the target's address too.
  await f(
    new TypeError("fetch failed", {
      cause: new Error(
        "error sending request from 127.0.0.1:46996 for http://127.0.0.1:1/api/v1/write " +
          "(127.0.0.1:1): client error (SendRequest): connection error: Connection reset by peer",
      ),
    }),
    "fetch failed: error sending request from 127.0.0.1:46996 for 1:secret-url (1:secret-url): " +
      "client error (SendRequest): connection error: Connection reset by peer",
  );
  // A cause that repeats the message is not repeated.
  await f(
    new Error("connect ECONNREFUSED https://u:s3cret@127.0.0.1:1/x", { cause: "ECONNREFUSED" }),
    "connect ECONNREFUSED 1:secret-url",
  );
});

Deno.test("sendBlock() re-sends at once, once, when a kept-alive connection was closed (EOF)", async () => {
  using _logs = captureLogs();
  const eof = () =>
    new TypeError("error sending request: connection closed before message completed");
  let s = setup([eof(), 204]);
  let r = await run(s, 0);
  assert.equal(r.result, true);
  assert.deepEqual(r.times, [0, 0]);
  assert.equal(s.m("vmagent_remotewrite_errors_total"), 0);
  s = setup([eof(), eof(), 204]);
  r = await run(s, 5000);
  assert.deepEqual(r.times, [0, 0, 1000], "a second EOF waits for the backoff");
  assert.equal(s.m("vmagent_remotewrite_errors_total"), 1);
});

Deno.test("sendBlock() gives up a request after sendTimeout and retries it", async () => {
  using logs = captureLogs();
  const s = setup([hang, 204], { sendTimeout: 10_000 });
  const { result, times } = await run(s, 20_000);
  assert.equal(result, true);
  assert.deepEqual(times, [0, 11_000]);
  assert.match(logs.text(), /sendTimeout=10s/);
});

Deno.test("sendBlock() bounds reading a response body by sendTimeout too", async () => {
  using logs = captureLogs();
  const endlessBody = (_req: unknown, signal?: AbortSignal) =>
    Promise.resolve(
      new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode("partial"));
            signal?.addEventListener("abort", () => c.error(signal.reason), { once: true });
          },
        }),
        { status: 500 },
      ),
    );
  const s = setup([endlessBody, 204], { sendTimeout: 5000 });
  const { result, times } = await run(s, 20_000);
  assert.equal(result, true);
  assert.deepEqual(times, [0, 6000]);
  assert.match(
    logs.text(),
    /cannot read response body: cannot get a response within -remoteWrite.sendTimeout=5s/,
  );
});

Deno.test("sendBlock() resolves false when stopped while waiting to retry", async () => {
  using _logs = captureLogs();
  const s = setup([500], {});
  s.client.fallback = 500;
  const stop = new AbortController();
  let result: boolean | undefined;
  const p = sendBlock(BLOCK, s.t, { stop: stop.signal }).then((r) => result = r);
  await s.clock.advance(3500);
  assert.equal(s.client.requests.length, 3);
  stop.abort();
  await p;
  assert.equal(result, false);
  assert.equal(s.clock.pendingTimers, 0, "no timer left behind");
});

Deno.test("sendBlock() resolves false when the abort signal cuts a request in flight", async () => {
  using _logs = captureLogs();
  const s = setup([hang]);
  const abort = new AbortController();
  const p = sendBlock(BLOCK, s.t, { abort: abort.signal });
  await s.clock.advance(100);
  abort.abort();
  assert.equal(await p, false);
});

Deno.test("sendBlock() waits for the rate limiter before sending", async () => {
  const s = setup([]);
  const limitReached = s.reg.counter("limit");
  s.t.rateLimiter = new RateLimiter(10, s.clock, { limitReached });
  const start = s.clock.now();
  const ps = [sendBlock(BLOCK, s.t), sendBlock(BLOCK, s.t), sendBlock(BLOCK, s.t)];
  await s.clock.advance(3000);
  assert.deepEqual(await Promise.all(ps), [true, true, true]);
  // 10 bytes/s: two 5-byte blocks in the first second, the third one in the next.
  assert.deepEqual(s.client.requests.map((r) => r.at - start), [0, 0, 1000]);
  assert.equal(limitReached.get(), 1);
});
