import { equal } from "node:assert/strict";
import { acceptsGzip, compressResponse } from "../../lib/server/compress.ts";

const req = (ae?: string, method = "GET") =>
  new Request("http://x/metrics", {
    method,
    headers: ae === undefined ? {} : { "Accept-Encoding": ae },
  });
const text = (n: number) =>
  new Response("x".repeat(n), { headers: { "Content-Type": "text/plain" } });

async function gunzip(res: Response): Promise<string> {
  return await new Response(res.body!.pipeThrough(new DecompressionStream("gzip"))).text();
}

Deno.test("acceptsGzip() reads Accept-Encoding with q-values", () => {
  const f = (h: string | null, want: boolean) => equal(acceptsGzip(h), want, String(h));
  f(null, false);
  f("gzip", true);
  f("deflate, gzip;q=0.5", true);
  f("GZIP", true);
  f("gzip;q=0", false);
  f("*", true);
  f("br, zstd", false);
});

Deno.test("compressResponse() gzips bodies of 1 KiB and more for gzip clients", async () => {
  const res = await compressResponse(req("gzip"), text(5000));
  equal(res.headers.get("Content-Encoding"), "gzip");
  equal(res.headers.get("Vary"), "Accept-Encoding");
  equal(await gunzip(res), "x".repeat(5000));
});

Deno.test("compressResponse() leaves small bodies, other clients and HEAD alone", async () => {
  const f = async (r: Request, res: Response, wantBody: string | null) => {
    const out = await compressResponse(r, res);
    equal(out.headers.get("Content-Encoding"), null);
    equal(out.body === null ? null : await out.text(), wantBody);
  };
  await f(req("gzip"), text(1023), "x".repeat(1023));
  await f(req(), text(5000), "x".repeat(5000));
  await f(req("br"), text(5000), "x".repeat(5000));
  await f(req("gzip"), new Response(null, { status: 204 }), null);
  await f(
    req("gzip"),
    new Response("y".repeat(2000), { headers: { "Content-Type": "image/x-icon" } }),
    "y".repeat(2000),
  );
});
