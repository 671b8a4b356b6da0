import assert from "node:assert/strict";
import { parseBytes } from "../../lib/flags/bytes_value.ts";

Deno.test("parseBytes() reads sizes with decimal and binary suffixes", () => {
  const f = (value: string, n: number, text: string) =>
    assert.deepEqual(parseBytes(value), { n, text }, value);
  f("", 0, "");
  f("0", 0, "0");
  f("1", 1, "1");
  f("-1234", -1234, "-1234");
  f("123.456", 123, "123.456");
  f("1e6", 1e6, "1E6");
  f("1KiB", 1024, "1KiB");
  f("1.5kib", 1536, "1.5KiB");
  f("23MiB", 23 * 1024 * 1024, "23MiB");
  f("16mib", 16 * 1024 * 1024, "16MiB");
  f("0.25GiB", 0.25 * 1024 ** 3, "0.25GiB");
  f("1.25TiB", 1.25 * 1024 ** 4, "1.25TiB");
  f("1KB", 1000, "1KB");
  f("1.5kb", 1500, "1.5KB");
  f("23MB", 23e6, "23MB");
  f("1GB", 1e9, "1GB");
  f("0.25GB", 0.25e9, "0.25GB");
  f("1.25TB", 1.25e12, "1.25TB");
  // truncation toward zero, as Go's int64(f)
  f("-1.9", -1, "-1.9");
  f("1.0001KB", 1000, "1.0001KB");
});

Deno.test("parseBytes() rejects text that is not a size", () => {
  for (
    const v of [
      "foobar",
      "5foobar",
      "aKB",
      "134xMB",
      "2.43sdfGb",
      "aKiB",
      "134xMiB",
      "2.43sdfGIb",
      "1 MB",
      "KB",
    ]
  ) {
    assert.throws(() => parseBytes(v), /strconv\.ParseFloat: parsing .*: invalid syntax/, v);
  }
  for (const v of ["inf", "NaN", "1e30"]) {
    assert.throws(() => parseBytes(v), /out of range|syntax/, v);
  }
});
