import assert from "node:assert/strict";
import { canonicalHeaderKey } from "../../lib/config/_http_client.ts";
import { cleanPath, dirName, isHTTPURL, resolvePath } from "../../lib/config/_path.ts";

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
