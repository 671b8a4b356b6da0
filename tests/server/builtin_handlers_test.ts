import { equal, match } from "node:assert/strict";
import {
  faviconResponse,
  healthResponse,
  indexResponse,
  readyResponse,
} from "../../lib/server/builtin_handlers.ts";
import { HealthState } from "../../lib/server/health_state.ts";

Deno.test("healthResponse() reports the time left in the shutdown delay", async () => {
  const h = new HealthState();
  equal(h.isShuttingDown(), false);
  equal(await healthResponse(h, 0).text(), "OK");
  h.startShutdownDelay(1234, 10_000);
  equal(h.isShuttingDown(), true);
  equal(h.shutdownDeadline, 11_234);
  const res = healthResponse(h, 10_100);
  equal(res.status, 503);
  equal(await res.text(), "The server is in delayed shutdown mode, which will end in 1.134s\n");
});

Deno.test("healthResponse() turns 503 at once with a zero delay", () => {
  const h = new HealthState();
  h.startShutdownDelay(0, 5);
  equal(healthResponse(h, 5).status, 503);
});

Deno.test("readyResponse() is 425 while configs are pending", async () => {
  equal(readyResponse(0).status, 200);
  const res = readyResponse(2);
  equal(res.status, 425);
  equal(await res.text(), "waiting for scrapes to init, left: 2\n");
});

Deno.test("faviconResponse() is a well-formed one-image ICO", async () => {
  const b = new Uint8Array(await faviconResponse().arrayBuffer());
  const v = new DataView(b.buffer);
  equal(v.getUint16(2, true), 1);
  equal(v.getUint16(4, true), 1);
  const size = v.getUint32(14, true);
  const offset = v.getUint32(18, true);
  equal(offset + size, b.length);
  equal(v.getUint32(offset, true), 40);
});

Deno.test("indexResponse() escapes what it prints", async () => {
  const html = await indexResponse("<v>", [{ path: "a&b", doc: '"x"' }]).text();
  match(html, /Version &#60;v&#62;<br>/);
  match(html, /<a href="a&#38;b">a&#38;b<\/a> - &#34;x&#34;<br\/>/);
});
