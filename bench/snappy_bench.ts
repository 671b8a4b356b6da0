/**
 * Micro-benchmarks of snappy block compression on remote write bodies: our
 * `lib/remotewrite/snappy.ts` against npm `snappyjs`. Inputs: the protobuf
 * `WriteRequest` of 1 and 10 scrapes of `SERIES` series.
 *
 * @module
 */
import SnappyJS from "snappyjs";
import {
  snappyCompress,
  snappyDecompress,
  snappyMaxCompressedLength,
} from "../lib/remotewrite/snappy.ts";
import { encodeWriteRequest } from "../lib/remotewrite/write_request_encoder.ts";
import { scrapeSeries } from "./_fixtures.ts";

for (const scrapes of [1, 10]) {
  const raw = encodeWriteRequest(scrapeSeries(scrapes)).slice();
  const packed = snappyCompress(raw).slice();
  const dst = new Uint8Array(snappyMaxCompressedLength(raw.length));
  const size = `${raw.length} -> ${packed.length} bytes`;

  Deno.bench(`ours snappyCompress, reused dst (${size})`, {
    group: `compress ${raw.length}`,
    baseline: true,
  }, () => {
    snappyCompress(raw, dst);
  });

  Deno.bench(
    `ours snappyCompress, fresh dst (${size})`,
    { group: `compress ${raw.length}` },
    () => {
      snappyCompress(raw);
    },
  );

  const theirs = SnappyJS.compress(raw).length;
  Deno.bench(`snappyjs compress (${raw.length} -> ${theirs} bytes)`, {
    group: `compress ${raw.length}`,
  }, () => {
    SnappyJS.compress(raw);
  });

  Deno.bench(`ours snappyDecompress (${size})`, {
    group: `decompress ${raw.length}`,
    baseline: true,
  }, () => {
    snappyDecompress(packed);
  });

  Deno.bench(`snappyjs uncompress (${size})`, { group: `decompress ${raw.length}` }, () => {
    SnappyJS.uncompress(packed);
  });
}
