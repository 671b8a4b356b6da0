import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { decodedStream, readLimited } from "../../lib/server/request_body.ts";
import { HttpError } from "../../lib/server/http_error.ts";

function chunks(...parts: number[][]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const p of parts) c.enqueue(new Uint8Array(p));
      c.close();
    },
  });
}

const limit = (maxBytes: number) => ({ maxBytes, flag: "maxInsertRequestSize" });

Deno.test("readLimited() joins the chunks of a body", async () => {
  deepEqual([...await readLimited(chunks([1, 2], [3], [4, 5]), limit(5))], [1, 2, 3, 4, 5]);
  deepEqual([...await readLimited(chunks([9]), limit(5))], [9]);
  equal((await readLimited(null, limit(5))).length, 0);
});

Deno.test("readLimited() fails with 400 once the body passes the limit", async () => {
  await rejects(readLimited(chunks([1, 2], [3, 4]), limit(3)), (e: unknown) => {
    equal(e instanceof HttpError && e.status, 400);
    equal((e as Error).message, "too big data size exceeding -maxInsertRequestSize=3 bytes");
    return true;
  });
});

Deno.test("decodedStream() passes plain bodies and decodes gzip and deflate", async () => {
  const text = "hello hello hello";
  for (const enc of ["gzip", "deflate"] as const) {
    const packed = new Blob([text]).stream().pipeThrough(new CompressionStream(enc));
    const out = await readLimited(decodedStream(packed, enc), limit(100));
    equal(new TextDecoder().decode(out), text);
  }
  for (const enc of ["", "none", "identity"]) {
    equal(
      new TextDecoder().decode(await readLimited(decodedStream(chunks([104, 105]), enc), limit(9))),
      "hi",
    );
  }
  throws(() => decodedStream(null, "br"), /^Error: unsupported contentType: br$/);
});
