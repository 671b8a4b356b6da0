import assert from "node:assert/strict";
import { goQueryEscape } from "../../lib/util/go_query_escape.ts";

Deno.test("goQueryEscape() escapes as Go's url.QueryEscape", () => {
  const f = (s: string, want: string) => assert.equal(goQueryEscape(s), want);
  // empty and all-unreserved text come back unchanged
  f("", "");
  f("aZ09-_.~", "aZ09-_.~");
  f(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  );
  // a space is +, a literal + is %2B
  f(" ", "+");
  f("a b", "a+b");
  f("a+b", "a%2Bb");
  f("env in (prod, dev)", "env+in+%28prod%2C+dev%29");
  // reserved characters, and the ones encodeURIComponent leaves alone (!*'()), as upper-case %XX
  f("!*'();:@&=+$,/?#[]", "%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%2F%3F%23%5B%5D");
  f("app=web,tier!=db", "app%3Dweb%2Ctier%21%3Ddb");
  f("sec ret!", "sec+ret%21");
  f("%20", "%2520");
  f('"<>\\^`{|}', "%22%3C%3E%5C%5E%60%7B%7C%7D");
  // control characters and DEL
  f("\x00\t\n\r\x1f\x7f", "%00%09%0A%0D%1F%7F");
  // non-ASCII: one %XX per UTF-8 byte (2, 3 and 4 bytes)
  f("é", "%C3%A9");
  f("é☃", "%C3%A9%E2%98%83");
  f("x😀y", "x%F0%9F%98%80y");
  f("\u0080\u07ff\u0800\uffff", "%C2%80%DF%BF%E0%A0%80%EF%BF%BF");
  // a lone surrogate is U+FFFD, as Go's decoders give it, rather than an exception
  f("\ud800", "%EF%BF%BD");
  f("a\udfffb", "a%EF%BF%BDb");
});

Deno.test("goQueryEscape() keeps exactly the unreserved ASCII bytes", () => {
  for (let c = 0; c < 0x80; c++) {
    const ch = String.fromCharCode(c);
    const want = /[A-Za-z0-9\-_.~]/.test(ch)
      ? ch
      : c === 0x20
      ? "+"
      : "%" + c.toString(16).toUpperCase().padStart(2, "0");
    assert.equal(goQueryEscape(ch), want, `char code ${c}`);
  }
});

Deno.test("goQueryEscape() output decodes back to the input", () => {
  const f = (s: string) =>
    assert.equal(decodeURIComponent(goQueryEscape(s).replaceAll("+", " ")), s);
  f("a b+c&d=e");
  f("é☃😀 !*'()");
  f("namespace/name:port?x#y");
});
