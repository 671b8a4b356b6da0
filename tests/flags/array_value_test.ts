import assert from "node:assert/strict";
import {
  formatStringArray,
  splitArrayValue,
  unquoteGoString,
} from "../../lib/flags/array_value.ts";

Deno.test("splitArrayValue() splits and unquotes like vmagent HEAD, printed back by formatStringArray()", () => {
  // want: the items as vmagent's ArrayString.String() prints them after Set(value)
  const f = (value: string, want: string) => {
    assert.equal(formatStringArray(splitArrayValue(value)), want, value);
  };
  f("", "");
  // one item with special characters is printed quoted
  f(`foo`, `foo`);
  f(`fo"o`, `"fo\\"o"`);
  f(`fo'o`, `"fo'o"`);
  f(`fo{o`, `"fo{o"`);
  f(`fo[o`, `"fo[o"`);
  f(`fo(o`, `"fo(o"`);
  // commas inside braces and quotes do not split
  f(`foo{bar="baz",x="y"}`, `"foo{bar=\\"baz\\",x=\\"y\\"}"`);
  f(`foo{bar="ba}z",x="y"}`, `"foo{bar=\\"ba}z\\",x=\\"y\\"}"`);
  f(`foo{bar='baz',x="y"}`, `"foo{bar='baz',x=\\"y\\"}"`);
  f(`foo{bar='ba}z',x='y'}`, `"foo{bar='ba}z',x='y'}"`);
  f(`{foo="ba[r",baz='a'}`, `"{foo=\\"ba[r\\",baz='a'}"`);
  f(`[1,2,3]`, `"[1,2,3]"`);
  f(`{"foo":"ba,r",baz:x}`, `"{\\"foo\\":\\"ba,r\\",baz:x}"`);
  // quoted items are unquoted
  f(`"foo"`, `foo`);
  f(`"fo,'o"`, `"fo,'o"`);
  f(`"f\\\\o,\\'\\"o"`, `"f\\\\o,\\\\'\\"o"`);
  f(`'foo'`, `foo`);
  f(`'fo,"o'`, `"fo,\\"o"`);
  f(`'f\\\\o,\\'\\"o'`, `"f\\\\o,'\\\\\\"o"`);
  // several items
  f(`foo,bar,baz`, `foo,bar,baz`);
  f(`"foo",'bar',{[(ba'",z"`, `foo,bar,"{[(ba'\\",z\\""`);
  f(`foo,b"'ar,"baz,d`, `foo,"b\\"'ar,\\"baz",d`);
  f(`{foo="b,ar"},baz{x="y",z="d"}`, `"{foo=\\"b,ar\\"}","baz{x=\\"y\\",z=\\"d\\"}"`);
  // empty items
  f(`""`, ``);
  f(`''`, ``);
  f(`,`, `,`);
  f(`,foo,,ba"r,`, `,foo,,"ba\\"r",`);
  // Go escapes inside double quotes
  f(`"foo,b\\nar"`, `"foo,b\\nar"`);
  f(`"foo\\x23bar"`, "foo#bar");
});

Deno.test("splitArrayValue() returns the items themselves", () => {
  const f = (value: string, want: string[]) =>
    assert.deepEqual(splitArrayValue(value), want, value);
  f("", [""]);
  f("a", ["a"]);
  f("a,b", ["a", "b"]);
  f(`a,"b, c"`, ["a", "b, c"]);
  f(`'a,b',c`, ["a,b", "c"]);
  f(`x{a="1,2"},(p,q),[r,s]`, [`x{a="1,2"}`, "(p,q)", "[r,s]"]);
  // an unclosed quote or bracket is plain text
  f(`a"b,c`, [`a"b`, "c"]);
  f(`(a,b`, ["(a", "b"]);
  // nested brackets
  f(`{a,[b,(c,d)]},e`, ["{a,[b,(c,d)]}", "e"]);
  // escaped quote inside quotes does not close them
  f(`'it\\'s,ok',x`, ["it's,ok", "x"]);
  // a lone quote is kept (vmagent would panic)
  f(`"`, [`"`]);
});

Deno.test("unquoteGoString() follows Go string literal rules", () => {
  const f = (q: string, want: string | undefined) => assert.equal(unquoteGoString(q), want, q);
  f(`"abc"`, "abc");
  f(`""`, "");
  f(`"a\\tb"`, "a\tb");
  f(`"\\u00e9\\U0001F600"`, "é😀");
  f(`"\\101\\x41"`, "AA");
  f(`"a\\"b"`, `a"b`);
  f(`"a"b"`, undefined);
  f(`"a\\'b"`, undefined);
  f(`"a\\qb"`, undefined);
  f(`"a\nb"`, undefined);
  f(`"\\x4"`, undefined);
  f(`abc`, undefined);
});
