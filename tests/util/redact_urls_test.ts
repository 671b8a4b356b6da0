import { equal } from "node:assert/strict";
import { redactUrls } from "../../lib/util/redact_urls.ts";

Deno.test("redactUrls() hides the password of a user:password userinfo", () => {
  const f = (text: string, want: string) => equal(redactUrls(text), want);
  f("http://user:pass@host:1/x", "http://user:***@host:1/x");
  f("http://u:p@h:80/sd.json", "http://u:***@h:80/sd.json");
  f("http://u:@h/x", "http://u:***@h/x"); // an empty password looks like any other
  f("http://u:p@h", "http://u:***@h");
  f("http://u:p@h?x=1", "http://u:***@h?x=1");
  f("http://u:p@h#frag", "http://u:***@h#frag");
  f("http://u:p(1)'!@h/x", "http://u:***@h/x"); // sub-delims are allowed in a userinfo
});

Deno.test("redactUrls() hides a bare userinfo token", () => {
  const f = (text: string, want: string) => equal(redactUrls(text), want);
  f("https://tok3n@h/sd.json", "https://***@h/sd.json");
  f("http://user@host/x", "http://***@host/x");
  f("http://@h/x", "http://***@h/x");
});

Deno.test("redactUrls() splits the userinfo at the last @ of the authority as Go does", () => {
  const f = (text: string, want: string) => equal(redactUrls(text), want);
  f("http://u:p@ss@h/sd.json", "http://u:***@h/sd.json");
  f("http://u:p@s@s@h:1/x", "http://u:***@h:1/x");
  f("http://tok@en@h/x", "http://***@h/x");
  f("http://u@x:p@h:1?a=b", "http://u@x:***@h:1?a=b"); // Go: user "u@x", password "p"
  // An @ after the authority is part of the path, query or fragment.
  f("http://h/a@b", "http://h/a@b");
  f("http://h?a=b@c", "http://h?a=b@c");
  f("http://h#a@b", "http://h#a@b");
  f("http://u:p@h/a@b", "http://u:***@h/a@b");
});

Deno.test("redactUrls() leaves text without URL secrets as it is", () => {
  const f = (text: string) => equal(redactUrls(text), text);
  f("");
  f("http://h:9100/metrics");
  f("http://h/x?token=abc#frag");
  f("skipping file /sd/a?b=c.yml: oops");
  f("user:pass@host without a scheme");
  f("mailto:u:p@h");
  f("see https:// for details");
});

Deno.test("redactUrls() handles several URLs in one text", () => {
  const f = (text: string, want: string) => equal(redactUrls(text), want);
  f(
    "http://a:1@h1/x and http://h2/y then b@h3 then https://c:3@h4/z",
    "http://a:***@h1/x and http://h2/y then b@h3 then https://c:***@h4/z",
  );
  f("http://a:1@h1,http://b:2@h2", "http://a:***@h1,http://b:***@h2");
  // A URL inside another's path or query is not matched on its own.
  f(
    "http://h/probe?target=http://u:p@t:80/m&x=1",
    "http://h/probe?target=http://u:***@t:80/m&x=1",
  );
});

Deno.test("redactUrls() keeps trailing punctuation out of the URL", () => {
  const f = (text: string, want: string) => equal(redactUrls(text), want);
  f("cannot scrape http://u:p@h/m: timeout", "cannot scrape http://u:***@h/m: timeout");
  f("see http://u:p@h, then retry.", "see http://u:***@h, then retry.");
  f("reading http://tok@h/a?t=x: timeout.", "reading http://***@h/a?t=x: timeout.");
  f("is it http://u:p@h?", "is it http://u:***@h?");
  f("url (http://u:p@h/a.yml): refused", "url (http://u:***@h/a.yml): refused");
  f("(http://u:p@h)", "(http://u:***@h)");
  f("http://h/wiki/A_(b) was http://u:p@h", "http://h/wiki/A_(b) was http://u:***@h");
});

Deno.test("redactUrls() handles quoted URLs", () => {
  const f = (text: string, want: string) => equal(redactUrls(text), want);
  f('Get "http://u:p@h:1/m": EOF', 'Get "http://u:***@h:1/m": EOF');
  f("'http://u:p@h/m' failed", "'http://u:***@h/m' failed");
  f("'http://tok@h/m', 'x'", "'http://***@h/m', 'x'");
  f("<http://u:p@h/m>", "<http://u:***@h/m>");
  f("`http://u:p@h/m`", "`http://u:***@h/m`");
  f('{"url":"http://u:p@h/m","x":"a@b"}', '{"url":"http://u:***@h/m","x":"a@b"}');
});

Deno.test("redactUrls() hides query values only with query: true", () => {
  const f = (text: string, query: boolean, want: string) =>
    equal(redactUrls(text, { query }), want);
  f("https://h/sd.json?token=abc&x&k=", false, "https://h/sd.json?token=abc&x&k=");
  f("https://h/sd.json?token=abc&x&k=", true, "https://h/sd.json?token=***&x&k=***");
  f("https://h/?a=1=2&b=%20", true, "https://h/?a=***&b=***");
  f("https://h?a=1", true, "https://h?a=***");
  f("https://h/sd.json?", true, "https://h/sd.json?");
  f("https://h/sd.json", true, "https://h/sd.json");
  f("http://u@x:p@h:1?a=b", true, "http://u@x:***@h:1?a=***");
  f("reading http://h/a?t=x: timeout.", true, "reading http://h/a?t=***: timeout.");
  f("see http://u:p@h/a?t=x, then retry", true, "see http://u:***@h/a?t=***, then retry");
  f(
    'cannot fetch "HTTPS://admin:s3cret@h/a.yml?sig=xyz": url (http://h/a.yml?sig=xyz): refused',
    true,
    'cannot fetch "HTTPS://admin:***@h/a.yml?sig=***": url (http://h/a.yml?sig=***): refused',
  );
  f("http://h/probe?target=http://u:p@t/m?s=1", true, "http://h/probe?target=***");
});

Deno.test("redactUrls() keeps fragments as they are", () => {
  const f = (text: string, query: boolean, want: string) =>
    equal(redactUrls(text, { query }), want);
  f("https://u:p@h/sd.json?token=abc#frag", false, "https://u:***@h/sd.json?token=abc#frag");
  f("https://u:p@h/sd.json?token=abc#frag", true, "https://u:***@h/sd.json?token=***#frag");
  f("https://h/a#x?y=1&z=2", true, "https://h/a#x?y=1&z=2"); // a ? after # is no query
  f("https://h/a?#y=1", true, "https://h/a?#y=1");
  f("http://h1/x#t=1,http://u:p@h2?t=2", true, "http://h1/x#t=1,http://u:***@h2?t=***");
});

Deno.test("redactUrls() handles any scheme in any case", () => {
  const f = (text: string, want: string) => equal(redactUrls(text), want);
  f("HTTPS://Admin:S3cret@H/x", "HTTPS://Admin:***@H/x");
  f("Http://tok@h/x", "Http://***@h/x");
  f('proxy "socks5://u:p@h:1" failed', 'proxy "socks5://u:***@h:1" failed');
  f("redis+tls://:pw@h:6379/0", "redis+tls://:***@h:6379/0");
  f("postgres://u:p@ss@db/x?sslmode=disable", "postgres://u:***@db/x?sslmode=disable");
  f("ws://tok@h/stream", "ws://***@h/stream");
  f("proxy_url=http://u:p@h", "proxy_url=http://u:***@h");
});
