import assert from "node:assert/strict";
import {
  formatGoFloat,
  GoParseError,
  goQuote,
  parseGoAtoi,
  parseGoBool,
  parseGoFloat,
  parseGoInt,
} from "../../lib/util/go_strconv.ts";
import { quoteGo } from "../../lib/util/labels.ts";

Deno.test("parseGoBool() accepts exactly Go's strconv.ParseBool spellings", () => {
  const ok = (s: string, want: boolean) => assert.equal(parseGoBool(s), want, s);
  for (const s of ["1", "t", "T", "TRUE", "true", "True"]) ok(s, true);
  for (const s of ["0", "f", "F", "FALSE", "false", "False"]) ok(s, false);
  const bad = (s: string) =>
    assert.throws(() => parseGoBool(s), {
      message: `strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`,
    });
  for (const s of ["", "yes", "tRUE", "on", " true", "2", "toString"]) bad(s);
});

Deno.test("parseGoInt() parses like strconv.ParseInt(s, 0, 64)", () => {
  const f = (s: string, want: number) => assert.equal(parseGoInt(s), want, s);
  f("0", 0);
  f("42", 42);
  f("-42", -42);
  f("+7", 7);
  f("0x1f", 31);
  f("0X1F", 31);
  f("0o17", 15);
  f("017", 15);
  f("0b101", 5);
  f("1_000", 1000);
  f("0x_ff", 255);
  f("9223372036854775807", 9223372036854775807);
  const bad = (s: string, kind: "syntax" | "range") => {
    assert.throws(
      () => parseGoInt(s),
      (e: unknown) => e instanceof GoParseError && e.kind === kind,
      s,
    );
  };
  bad("", "syntax");
  bad("-", "syntax");
  bad("1.5", "syntax");
  bad("08", "syntax");
  bad("0x", "syntax");
  bad("_1", "syntax");
  bad("1__0", "syntax");
  bad("1_", "syntax");
  bad("12a", "syntax");
  bad(" 1", "syntax");
  bad("9223372036854775808", "range");
  bad("-9223372036854775809", "range");
});

Deno.test("parseGoAtoi() accepts only signed decimal digits", () => {
  assert.equal(parseGoAtoi("-64"), -64);
  assert.equal(parseGoAtoi("+3"), 3);
  assert.equal(parseGoAtoi("010"), 10);
  for (const s of ["", "0x10", "1_0", "1.0", "a"]) {
    assert.throws(() => parseGoAtoi(s), {
      message: `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`,
    });
  }
  assert.throws(() => parseGoAtoi("99999999999999999999"), /value out of range/);
});

Deno.test("parseGoFloat() parses like strconv.ParseFloat(s, 64)", () => {
  const f = (s: string, want: number) => assert.equal(parseGoFloat(s), want, s);
  f("60", 60);
  f("0.5", 0.5);
  f(".5", 0.5);
  f("5.", 5);
  f("-1.25e2", -125);
  f("1E3", 1000);
  f("1_000.5", 1000.5);
  f("0x1p4", 16);
  f("0x1.8p1", 3);
  f("0X.8P0", 0.5);
  f("inf", Infinity);
  f("-Infinity", -Infinity);
  f("+INF", Infinity);
  assert.ok(Number.isNaN(parseGoFloat("NaN")));
  for (const s of ["", "abc", "1e", "1.2.3", "0x10", "_1", "1_", "1__0", "1e_5", "+nan", " 1"]) {
    assert.throws(() => parseGoFloat(s), /invalid syntax/, s);
  }
  assert.throws(() => parseGoFloat("1e400"), /value out of range/);
});

Deno.test("formatGoFloat() prints like strconv.FormatFloat(f, 'g', -1, 64)", () => {
  const f = (v: number, want: string) => assert.equal(formatGoFloat(v), want, String(v));
  f(60, "60");
  f(0, "0");
  f(0.5, "0.5");
  f(123456, "123456");
  f(999999, "999999");
  f(1e6, "1e+06");
  f(1234567, "1.234567e+06");
  f(1e21, "1e+21");
  f(0.0001, "0.0001");
  f(0.00001, "1e-05");
  f(-2.5, "-2.5");
  f(1.5e-7, "1.5e-07");
  f(1e100, "1e+100");
  f(Infinity, "+Inf");
  f(-Infinity, "-Inf");
  f(NaN, "NaN");
});

Deno.test("goQuote() quotes like Go's %q", () => {
  const f = (s: string, want: string) => assert.equal(goQuote(s), want, s);
  f("", `""`);
  f("abc", `"abc"`);
  f(`a"b`, `"a\\"b"`);
  f(`a\\b`, `"a\\\\b"`);
  f("a\nb\tc\r", `"a\\nb\\tc\\r"`);
  f("\x00\x1b\x7f", `"\\x00\\x1b\\x7f"`);
  f("é 😀", `"é 😀"`);
  f("\u200b", `"\\u200b"`);
  f("'single'", `"'single'"`);
});

Deno.test("quoteGo() is goQuote(): \\a, \\b and non-printable Unicode as Go writes them", () => {
  assert.equal(quoteGo("\u0007\u0008"), '"\\a\\b"');
  assert.equal(quoteGo("a\u0085b"), '"a\\u0085b"');
  assert.equal(quoteGo('say "hi"\n'), '"say \\"hi\\"\\n"');
});
