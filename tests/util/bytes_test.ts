import assert from "node:assert/strict";
import { parseBytes, splitSize } from "../../lib/util/bytes.ts";
import { GoParseError } from "../../lib/util/go_strconv.ts";

Deno.test("splitSize() normalizes the case and cuts off a known suffix", () => {
  const f = (text: string, want: [string, string, number]) =>
    assert.deepEqual(
      splitSize(text),
      { text: want[0], number: want[1], multiplier: want[2] },
      text,
    );
  f("", ["", "", 1]);
  f("1024", ["1024", "1024", 1]);
  f("1e6", ["1E6", "1E6", 1]);
  f("1.5kib", ["1.5KiB", "1.5", 1024]);
  f("16MiB", ["16MiB", "16", 1024 ** 2]);
  f("2gib", ["2GiB", "2", 1024 ** 3]);
  f("1TiB", ["1TiB", "1", 1024 ** 4]);
  f("1kb", ["1KB", "1", 1e3]);
  f("23MB", ["23MB", "23", 1e6]);
  f("1gB", ["1GB", "1", 1e9]);
  f("1tb", ["1TB", "1", 1e12]);
  f("KB", ["KB", "", 1e3]);
  f("1PB", ["1PB", "1PB", 1]);
  f("big", ["BiG", "BiG", 1]);
});

Deno.test("parseBytes() reads sizes like vmagent's flagutil.ParseBytes", () => {
  const f = (text: string, want: number) => assert.equal(parseBytes(text), want, text);
  f("16MiB", 16 * 1024 * 1024);
  f("16mib", 16 * 1024 * 1024);
  f("1.5KB", 1500);
  f("1kb", 1000);
  f("2GiB", 2 * 1024 ** 3);
  f("1TB", 1e12);
  f("1TiB", 1024 ** 4);
  f("1000", 1000);
  f("1.9", 1);
  f("0", 0);
  f("-1.9", -1);
  f(".5KiB", 512);
  f("1e3KB", 1e6);
});

Deno.test("parseBytes() throws strconv.ParseFloat's error when the number is not decimal", () => {
  const f = (text: string, number: string) =>
    assert.throws(
      () => parseBytes(text),
      (e) =>
        e instanceof GoParseError &&
        e.message === `strconv.ParseFloat: parsing "${number}": invalid syntax`,
      text,
    );
  f("16 MiB", "16 ");
  f("MiB", "");
  f("1PB", "1PB");
  f("", "");
  f("big", "BiG");
  f("1_000KB", "1_000");
  f("inf", "iNF");
});
