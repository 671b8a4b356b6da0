import { deepEqual, equal, rejects } from "node:assert/strict";
import { ScrapeError, ScrapeFetcher } from "../../lib/scrape/scrape_fetch.ts";
import { scrapeMetrics } from "../../lib/scrape/self_metrics.ts";
import { createHttpClient, type FetchFn } from "../../lib/util/http_client.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { FakeClock, settle } from "./_helpers.ts";

const URL_ = "http://t:9100/metrics";

function setup(
  handler: (init: RequestInit) => Response | Promise<Response>,
  over: { maxScrapeSize?: number; disableCompression?: boolean; timeout?: number } = {},
) {
  const seen: Headers[] = [];
  const fetch: FetchFn = async (_input, init) => {
    seen.push(new Headers(init.headers));
    return await handler(init);
  };
  const registry = new MetricsRegistry();
  const clock = new FakeClock();
  const client = createHttpClient({ headers: [], followRedirects: true }, { fetch });
  const fetcher = new ScrapeFetcher(client, {
    scrapeUrl: URL_,
    timeout: over.timeout ?? 10_000,
    maxScrapeSize: over.maxScrapeSize ?? 1024,
    disableCompression: over.disableCompression ?? false,
    metrics: scrapeMetrics(registry),
    timers: clock,
  });
  return { fetcher, seen, registry, clock, close: () => client.close() };
}

async function gzip(s: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(
    await new Response(new Blob([s]).stream().pipeThrough(new CompressionStream("gzip")))
      .arrayBuffer(),
  );
}

Deno.test("ScrapeFetcher sends vmagent's request headers", async () => {
  const f = async (disableCompression: boolean, wantEncoding: string) => {
    const { fetcher, seen, close } = setup(() => new Response("foo 1\n"), {
      disableCompression,
      timeout: 2500,
    });
    try {
      deepEqual(await fetcher.fetchText(), { text: "foo 1\n", size: 6 });
      const h = seen[0];
      equal(h.get("accept"), "text/plain;version=0.0.4;q=1,*/*;q=0.1");
      equal(h.get("user-agent"), "vm_promscrape");
      equal(h.get("x-prometheus-scrape-timeout-seconds"), "2.500");
      equal(h.get("accept-encoding"), wantEncoding);
    } finally {
      close();
    }
  };
  await f(false, "gzip");
  await f(true, "identity");
});

Deno.test("ScrapeFetcher fails on a non-200 status with the body in the error", async () => {
  const { fetcher, registry, close } = setup(() => new Response('oops "x"\n', { status: 503 }));
  try {
    await rejects(fetcher.fetchText(), (e: Error) => {
      equal(e instanceof ScrapeError, true);
      equal(
        e.message,
        'unexpected status code returned when scraping "http://t:9100/metrics": 503; expecting 200; response body: "oops \\"x\\"\\n"',
      );
      return true;
    });
    equal(registry.counter('vm_promscrape_scrapes_total{status_code="503"}').get(), 1);
    equal(registry.counter("vm_promscrape_scrape_requests_total").get(), 1);
  } finally {
    close();
  }
});

Deno.test("ScrapeFetcher enforces max_scrape_size on the decoded body", async () => {
  const body = "x".repeat(100);
  const f = async (max: number, gz: boolean, want: string | undefined) => {
    const payload = gz ? await gzip(body) : body;
    const headers: HeadersInit = gz ? { "content-encoding": "gzip" } : {};
    // The fake transport hands back raw bytes; with "identity" the client decodes gzip itself.
    const { fetcher, registry, close } = setup(() => new Response(payload, { headers }), {
      maxScrapeSize: max,
      disableCompression: true,
    });
    try {
      if (want === undefined) {
        equal((await fetcher.fetchText()).size, 100);
      } else {
        await rejects(fetcher.fetchText(), (e: Error) => {
          equal(e.message, want);
          return true;
        });
        equal(registry.counter("vm_promscrape_max_scrape_size_exceeded_errors_total").get(), 1);
      }
    } finally {
      close();
    }
  };
  const tail =
    " exceeds -promscrape.maxScrapeSize or max_scrape_size in the scrape config (99 bytes). " +
    "Possible solutions are: reduce the response size for the target, increase -promscrape.maxScrapeSize " +
    "command-line flag, increase max_scrape_size value in scrape config for the given target";
  await f(100, false, undefined);
  await f(100, true, undefined);
  await f(99, false, `the response from "http://t:9100/metrics"${tail}`);
  await f(99, true, `the uncompressed response from "http://t:9100/metrics"${tail}`);
});

Deno.test("ScrapeFetcher names transport failures precisely", async () => {
  const f = async (handler: () => Response | Promise<Response>, want: string) => {
    const { fetcher, close } = setup(handler);
    try {
      await rejects(fetcher.fetchText(), (e: Error) => {
        equal(e.message, want);
        return true;
      });
    } finally {
      close();
    }
  };
  const refused = new TypeError("fetch failed", {
    cause: new Error(
      "error sending request for url (http://t:9100/metrics): client error (Connect): tcp connect error: Connection refused (os error 111)",
    ),
  });
  await f(
    () => Promise.reject(refused),
    'cannot perform request to "http://t:9100/metrics": connection refused',
  );
  const dns = new TypeError("fetch failed", {
    cause: new Error(
      "error sending request for url (http://t/): client error (Connect): dns error: failed to lookup address information",
    ),
  });
  await f(
    () => Promise.reject(dns),
    'cannot perform request to "http://t:9100/metrics": no such host',
  );
  const reset = () =>
    new Response(
      new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode("foo 1\n"));
          c.error(new TypeError("error reading a body from connection"));
        },
      }),
    );
  await f(reset, "cannot read data from http://t:9100/metrics: connection reset by peer");
});

Deno.test("ScrapeFetcher turns the scrape timeout into a precise error", async () => {
  const { fetcher, clock, registry, close } = setup((init) =>
    new Promise((_resolve, reject) => {
      init.signal!.addEventListener("abort", () => reject(init.signal!.reason));
    }), { timeout: 3000 });
  try {
    const p = fetcher.fetchText().then(() => new Error("resolved"), (e: Error) => e);
    await settle();
    await clock.advance(3000);
    equal(
      (await p).message,
      'cannot perform request to "http://t:9100/metrics": timeout: no response within scrape_timeout=3s',
    );
    equal(registry.counter("vm_promscrape_scrapes_timed_out_total").get(), 1);
    deepEqual(clock.pending(), [], "the timeout timer is cleared");
  } finally {
    close();
  }
});

Deno.test("ScrapeFetcher.fetchStream() hands out blocks of whole lines and stops when asked", async () => {
  const lines = Array.from({ length: 50_000 }, (_, i) => `m{i="${i}"} ${i}\n`).join("");
  // Chunks cut at arbitrary places, as the network delivers them.
  const bytes = new TextEncoder().encode(lines);
  const chunked = () =>
    new Response(
      new ReadableStream({
        start(c) {
          for (let i = 0; i < bytes.length; i += 7919) c.enqueue(bytes.subarray(i, i + 7919));
          c.close();
        },
      }),
    );
  const { fetcher, close } = setup(chunked, { maxScrapeSize: 10 * 1024 * 1024 });
  try {
    const blocks: string[] = [];
    const { size } = await fetcher.fetchStream((b) => {
      blocks.push(b);
      return true;
    });
    equal(size, lines.length);
    equal(blocks.join(""), lines);
    equal(blocks.length > 1, true);
    for (const b of blocks.slice(0, -1)) equal(b.endsWith("\n"), true);
    let calls = 0;
    await fetcher.fetchStream(() => ++calls < 2);
    equal(calls, 2);
  } finally {
    close();
  }
});
