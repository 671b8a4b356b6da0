import assert from "node:assert/strict";
import { parseBytes } from "../../lib/config/_bytes.ts";
import { canonicalHeaderKey } from "../../lib/config/_http_client.ts";
import { cleanPath, dirName, isHTTPURL, resolvePath } from "../../lib/config/_path.ts";

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
  assert.throws(() => parseBytes("16 MiB"), RangeError);
  assert.throws(() => parseBytes("MiB"), RangeError);
  assert.throws(() => parseBytes("1PB"), RangeError);
});

Deno.test("canonicalHeaderKey() matches Go's http.CanonicalHeaderKey", () => {
  const f = (name: string, want: string) => assert.equal(canonicalHeaderKey(name), want);
  f("x-scope-orgid", "X-Scope-Orgid");
  f("CONTENT-TYPE", "Content-Type");
  f("authorization", "Authorization");
  f("x_y", "X_y");
  f("bad header", "bad header");
  f("", "");
});

Deno.test("resolvePath() and dirName() follow vmagent's fscore.GetFilepath", () => {
  const f = (base: string, p: string, want: string) =>
    assert.equal(resolvePath(base, p), want, `${base} + ${p}`);
  f("/etc/vmagent", "a.yml", "/etc/vmagent/a.yml");
  f("/etc/vmagent", "../a.yml", "/etc/a.yml");
  f("/etc/vmagent", "/abs.yml", "/abs.yml");
  f("/etc/vmagent", "https://h/x.yml", "https://h/x.yml");
  f(".", "a.yml", "a.yml");
  f("http://h/dir", "a.yml", "http://h/dir/a.yml");
  f("http://h/dir", "../a.yml", "http://h/a.yml");
  assert.equal(dirName("/etc/vmagent/p.yml"), "/etc/vmagent");
  assert.equal(dirName("p.yml"), ".");
  assert.equal(dirName("/p.yml"), "/");
  assert.equal(dirName("http://h/a/p.yml"), "http://h/a");
  assert.equal(cleanPath("a/./b//../c"), "a/c");
  assert.equal(cleanPath("../../x"), "../../x");
  assert.equal(cleanPath("/../x"), "/x");
  assert.equal(isHTTPURL("http://h/x"), true);
  assert.equal(isHTTPURL("ftp://h/x"), false);
  assert.equal(isHTTPURL("http:///x"), false);
});
