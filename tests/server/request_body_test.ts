import { deepEqual, equal, rejects } from "node:assert/strict";
import { zstdCompressSync } from "node:zlib";
import { decodedStream, readLimited } from "../../lib/server/request_body.ts";
import { HttpError } from "../../lib/server/http_error.ts";
import { snappyBlock } from "./_helpers.ts";

function chunks(...parts: ArrayLike<number>[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const p of parts) c.enqueue(new Uint8Array(p));
      c.close();
    },
  });
}

/** A stream of the same `chunk` `times` times (no copies). */
function repeated(chunk: Uint8Array, times: number): ReadableStream<Uint8Array> {
  let left = times;
  return new ReadableStream({
    pull(c) {
      if (left-- > 0) c.enqueue(chunk);
      else c.close();
    },
  });
}

const limit = (maxBytes: number) => ({ maxBytes, flag: "maxInsertRequestSize" });
const enc = new TextEncoder();
const dec = new TextDecoder();
const TEXT = 'up{job="a"} 1\n'.repeat(50);

async function pack(format: "gzip" | "deflate", text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Opens `body` with `encoding` and reads it all, both under `max` bytes. */
async function decode(body: Uint8Array | null, encoding: string, max = 1 << 20): Promise<string> {
  const stream = await decodedStream(body === null ? null : chunks(body), encoding, limit(max));
  return dec.decode(await readLimited(stream, limit(max)));
}

/** Asserts that `p` rejects with exactly `message`, as an HttpError with 400 when `http`. */
async function rejectsWith(p: Promise<unknown>, message: string, http: boolean) {
  await rejects(p, (e: unknown) => {
    equal((e as Error).message, message);
    equal(e instanceof HttpError, http);
    if (http) equal((e as HttpError).status, 400);
    return true;
  });
}

Deno.test("readLimited() joins the chunks of a body", async () => {
  deepEqual([...await readLimited(chunks([1, 2], [3], [4, 5]), limit(5))], [1, 2, 3, 4, 5]);
  deepEqual([...await readLimited(chunks([9]), limit(5))], [9]);
  equal((await readLimited(null, limit(5))).length, 0);
});

Deno.test("readLimited() fails with 400 once the body passes the limit", async () => {
  await rejectsWith(
    readLimited(chunks([1, 2], [3, 4]), limit(3)),
    "too big data size exceeding -maxInsertRequestSize=3 bytes",
    true,
  );
});

Deno.test("decodedStream() decodes every encoding vmagent accepts", async () => {
  const f = async (body: Uint8Array, encoding: string) => equal(await decode(body, encoding), TEXT);
  await f(enc.encode(TEXT), "");
  await f(enc.encode(TEXT), "none");
  await f(enc.encode(TEXT), "identity");
  await f(await pack("gzip", TEXT), "gzip");
  await f(await pack("deflate", TEXT), "deflate");
  await f(zstdCompressSync(enc.encode(TEXT)), "zstd");
  await f(snappyBlock(enc.encode(TEXT)), "snappy");
  // Two zstd frames back to back.
  const two = zstdCompressSync(enc.encode(TEXT.slice(0, 100)));
  const rest = zstdCompressSync(enc.encode(TEXT.slice(100)));
  equal(await decode(new Uint8Array([...two, ...rest]), "zstd"), TEXT);
});

Deno.test("decodedStream() treats a missing body as empty", async () => {
  for (const encoding of ["", "gzip", "deflate", "zstd"]) equal(await decode(null, encoding), "");
  await rejectsWith(
    decode(null, "snappy"),
    "cannot decode snappy-encoded data block: cannot read snappy header: " +
      "snappy: corrupt input: bad length header",
    false,
  );
});

Deno.test("decodedStream() rejects other encodings with vmagent's text", async () => {
  const f = (encoding: string) =>
    rejectsWith(decode(enc.encode(TEXT), encoding), `unsupported contentType: ${encoding}`, false);
  await f("br");
  await f("x-snappy-framed");
  await f("GZIP");
  await f("gzip, zstd");
});

Deno.test("decodedStream() holds compressed and decoded sizes to the limit", async () => {
  const f = (body: Uint8Array, encoding: string, max: number, message: string) =>
    rejectsWith(decode(body, encoding, max), `${message} -maxInsertRequestSize=${max} bytes`, true);
  const big = "a".repeat(10_000);
  const tooBig = "too big data size exceeding";
  const tooBigDecoded = "too big decompressed data size exceeding";
  // Compressed bodies over the limit.
  const noise = crypto.getRandomValues(new Uint8Array(4096));
  for (const format of ["gzip", "deflate"] as const) {
    const packed = new Uint8Array(
      await new Response(new Blob([noise]).stream().pipeThrough(new CompressionStream(format)))
        .arrayBuffer(),
    );
    await f(packed, format, 4096, tooBig);
  }
  await f(zstdCompressSync(noise), "zstd", 4096, tooBig);
  await f(snappyBlock(noise), "snappy", 4096, tooBig);
  // Small compressed bodies that decode past the limit.
  await f(await pack("gzip", big), "gzip", 9_999, tooBig);
  await f(await pack("deflate", big), "deflate", 9_999, tooBig);
  await f(zstdCompressSync(enc.encode(big)), "zstd", 9_999, tooBigDecoded);
  await f(snappyBlock(enc.encode(big)), "snappy", 9_999, tooBigDecoded);
  // Exactly at the limit is fine.
  for (const encoding of ["zstd", "snappy"]) {
    const body = encoding === "zstd"
      ? zstdCompressSync(enc.encode(big))
      : snappyBlock(enc.encode(big));
    equal(await decode(body, encoding, 10_000), big);
  }
});

Deno.test("decodedStream() applies vmagent's 56 MB cap on snappy bodies", async () => {
  const max = 64 << 20;
  // A header saying 56_000_001 bytes (uvarint).
  const header: number[] = [];
  for (let v = 56_000_001; v > 0; v = Math.floor(v / 128)) header.push((v % 128) | 0x80);
  header[header.length - 1] &= 0x7f;
  await rejectsWith(
    decode(new Uint8Array(header), "snappy", max),
    "cannot decode snappy-encoded data block: too big data size 56000001 exceeding 56000000 bytes",
    false,
  );
  // 57 MB of compressed input (the same 1 MB chunk over and over).
  const stream = repeated(new Uint8Array(1_000_000), 57);
  await rejectsWith(
    decodedStream(stream, "snappy", limit(max)),
    "cannot read snappy-encoded data block because its' size exceeds 56000000 bytes",
    false,
  );
});

Deno.test("decodedStream() reports corrupt bodies: snappy when opened, zstd when read", async () => {
  await rejectsWith(
    decodedStream(chunks([5]), "snappy", limit(100)),
    "cannot decode snappy-encoded data block: snappy: corrupt input: decoded 0 bytes, header says 5",
    false,
  );
  const packed = zstdCompressSync(enc.encode(TEXT));
  const stream = await decodedStream(chunks(packed.subarray(0, 10)), "zstd", limit(1 << 20));
  await rejectsWith(readLimited(stream, limit(1 << 20)), "unexpected EOF", false);
  const stream2 = await decodedStream(chunks(enc.encode(TEXT)), "zstd", limit(1 << 20));
  await rejectsWith(
    readLimited(stream2, limit(1 << 20)),
    "invalid input: magic number mismatch",
    false,
  );
});
