import { equal, throws } from "node:assert/strict";
import { GoRegexSyntaxError } from "../../lib/relabel/go_regex.ts";
import { PromRegex } from "../../lib/relabel/prom_regex.ts";

Deno.test("PromRegex.test() matches the whole string", () => {
  const f = (re: string, s: string, want: boolean) => {
    equal(PromRegex.compile(re).test(s), want, `${re} on ${JSON.stringify(s)}`);
  };
  f("", "", true);
  f("", "foo", false);
  f("foo", "", false);
  f(".*", "", true);
  f(".*", "foo", true);
  f(".+", "", false);
  f(".+", "foo", true);
  f("foo.*", "bar", false);
  f("foo.*", "foo", true);
  f("foo.*", "foobar", true);
  f("foo.+", "foo", false);
  f("foo.+", "foobar", true);
  f("foo|bar", "foo", true);
  f("foo|bar", "foobar", false);
  f("foo|bar|", "", true);
  f("foo(bar|baz)", "foobaz", true);
  f("foo(bar|baz)", "foobaza", false);
  f("^foo|b(ar)$", "foo", true);
  f("^foo|b(ar)$", "bar", true);
  f("^foo|b(ar)$", "ar", false);
  f(".*foo.*", "afoobar", true);
  f(".*foo.*", "abc", false);
  f("foo.*bar.*", "foo_bar_", true);
  f("foo.*bar.*", "foobaz", false);
  f(".+foo.+", "afoobar", true);
  f(".+foo.+", "afoo", false);
  f("foo.+bar.+", "foobar", false);
  f("foo.+bar.+", "foo_bar_", true);
  f(".+foo.*", "foo", false);
  f(".+foo.*", "afoo", true);
  f(".*(a|b).*", "xay", true);
  f(".*(a|b).*", "xzy", false);
  f("^(?:true)$", "true", true);
  f(".+;|;.+", ";", false);
  f(".+;|;.+", "foo;", true);
  f(".+;|;.+", "foo;bar", false);
  f(".+foo|bar|baz.+", "afoo", true);
  f(".+foo|bar|baz.+", "abar", false);
  f(".*;|;.*", ";", true);
  f(".*foo(bar|baz)", "fooxfooban foobar", true);
  f("(?i)foo", "FOO", true);
  f("f(?i)oo", "FOO", false);
  f("[ab]c", "bc", true);
  f("a{2}", "aa", true);
});

Deno.test("PromRegex.test() lets `.` match a newline, as vmagent's (?s) parse does", () => {
  const f = (re: string, s: string, want: boolean) => {
    equal(PromRegex.compile(re).test(s), want, `${re} on ${JSON.stringify(s)}`);
  };
  f(".*", "a\nb", true);
  f("a.*b", "a\nb", true);
  f(".*foo.*", "x\nfoo\n", true);
  f("a.b", "a\nb", true);
  f("(?-s)a.b", "a\nb", false);
  // vmagent's quirks, kept: a lone `.` after the literal prefix loses (?s) ...
  f("foo.", "foo\n", false);
  f("foo.", "foox", true);
  f(".", "\n", false);
  f("foo..", "foo\n\n", true);
  // ... and `.+needle.+` only looks at the first occurrence of the needle.
  f(".+foo.+", "foofoox", false);
  f(".*foo.*", "foofoox", true);
});

Deno.test("PromRegex.isMatchAll is vmagent's isDefaultRegex", () => {
  const f = (re: string, want: boolean) => equal(PromRegex.compile(re).isMatchAll, want, re);
  f(".*", true);
  f("(.*)", true);
  f("^(.*)$", true);
  f("^.*$", true);
  f("\\A.*\\z", true);
  f("(.*)*", true);
  f("(?s).*", true);
  f("(?U).*?", true);
  f(".*?", false);
  f("(?-s).*", false);
  f(".+", false);
  f("", false);
  f(".*.*", false);
  f("(?m)^.*$", false);
});

Deno.test("PromRegex.compile() rejects invalid regexes with Go's text for the failing form", () => {
  const f = (source: string, message: string, regex: string) =>
    throws(() => PromRegex.compile(source), (e: unknown) => {
      equal(e instanceof GoRegexSyntaxError, true);
      equal((e as Error).message, message);
      equal((e as GoRegexSyntaxError).regex, regex);
      return true;
    });
  f("fo[bar", "error parsing regexp: missing closing ]: `[bar)$`", "^(?:fo[bar)$");
  f("foo(bar", "error parsing regexp: missing closing ): `^(?:foo(bar)$`", "^(?:foo(bar)$");
  f("a)|(b", "error parsing regexp: unexpected ): `a)|(b`", "a)|(b");
});
