import { equal, throws } from "node:assert/strict";
import { parseSeriesSelector } from "../../lib/relabel/selector.ts";
import { parseLabels } from "./_labels.ts";

Deno.test("SeriesSelector.matches() follows vmagent's `if` semantics", () => {
  const f = (selector: string, series: string, want: boolean) => {
    equal(
      parseSeriesSelector(selector).matches(parseLabels(series)),
      want,
      `${selector} on ${series}`,
    );
  };
  f(`foo`, `foo`, true);
  f(`foo`, `foo{bar="baz",a="b"}`, true);
  f(`foo{bar="a"}`, `foo{bar="a"}`, true);
  f(`foo{bar="a" or baz="x"}`, `foo{bar="a"}`, true);
  f(`foo{baz="x" or bar="a"}`, `foo{bar="a"}`, true);
  f(`foo{bar="a"}`, `foo{x="y",bar="a",baz="b"}`, true);
  f(`{a=~"x|abc",y!="z"}`, `m{x="aa",a="abc"}`, true);
  f(`{a=~"x|abc",y!="z"}`, `m{x="aa",a="abc",y="qwe"}`, true);
  f(`{__name__="foo"}`, `foo{bar="baz"}`, true);
  f(`{__name__=~"foo|bar"}`, `bar`, true);
  f(`{__name__!=""}`, `foo`, true);
  f(`{__name__!~"a.+"}`, `bar{baz="aa",b="c"}`, true);
  f(`foo{a!~"a.+"}`, `foo{a="baa"}`, true);
  f(`{foo=""}`, `bar`, true);
  f(`{foo!=""}`, `aa{foo="b"}`, true);
  f(`{foo=~".*"}`, `abc`, true);
  f(`{foo!~".+"}`, `abc`, true);
  f(`{foo=~"bar|"}`, `abc`, true);
  f(`{foo=~"bar|"}`, `abc{foo="bar"}`, true);
  f(`{foo!~"bar|"}`, `abc{foo="baz"}`, true);

  f(`foo`, `bar`, false);
  f(`foo`, `{foo="bar"}`, false);
  f(`foo{bar="a"}`, `foo`, false);
  f(`foo{bar="a" or baz="a"}`, `foo`, false);
  f(`foo{bar="a"}`, `foo{bar="b"}`, false);
  f(`{a=~"x|abc",y!="z"}`, `m{x="aa",a="xabc"}`, false);
  f(`{a=~"x|abc",y!="z"}`, `m{x="aa",a="abc",y="z"}`, false);
  f(`{__name__!~".+"}`, `foo`, false);
  f(`{__name__=""}`, `{a="b"}`, false);
  f(`{foo=""}`, `bar{foo="aa"}`, false);
  f(`{foo!=""}`, `aa`, false);
  f(`{foo=~".+"}`, `abc`, false);
  f(`{foo!~"bar|"}`, `abc`, false);
  // `{}` has no filter groups at all and matches nothing.
  f(`{}`, `foo`, false);
  f(`{}`, ``, false);
  // The metric name of `foo{...}` applies to every `or` group ...
  f(`foo{a="1" or b="2"}`, `bar{b="2"}`, false);
  // ... and a name shared by all named groups is added to the unnamed ones.
  f(`{__name__="foo",a="1" or b="2"}`, `bar{b="2"}`, false);
  f(`{__name__="foo",a="1" or b="2"}`, `foo{b="2"}`, true);
  f(`{__name__="foo",a="1" or __name__="bar",b="2" or c="3"}`, `baz{c="3"}`, true);
  // Quoted names (Prometheus 3 style), escapes, string forms, comments, parens.
  f(`{"foo"}`, `foo`, true);
  f(`{"foo", a="b"}`, `foo{a="b"}`, true);
  f(`{"a.b"="c"}`, `{a.b="c"}`, true);
  f(`{a\\-b="c"}`, `{a-b="c"}`, true);
  f(`{a='b"c'}`, `{a="b\\"c"}`, true);
  f("{a=`x\\y`}", `{a="x\\\\y"}`, true);
  f(`{a="x\\ty"}`, `{a="x\\ty"}`, true);
  f(`{a="\\xc3\\xa9"}`, `{a="é"}`, true);
  f(`{a="b" + "c"}`, `{a="bc"}`, true);
  f(`foo{a="b",}`, `foo{a="b"}`, true);
  f(`{a="b" OR c="d"}`, `{c="d"}`, true);
  f(`foo.bar:baz`, `foo.bar:baz`, true);
  f(`(foo{a="b"})`, `foo{a="b"}`, true);
  f(`+foo`, `foo`, true);
  f("foo # comment\n", `foo`, true);
  f(`or`, `or`, true);
  f(`{"a/b"="v"}`, `{a/b="v"}`, true);
  // Regexes use vmagent's (?s) whole-string matching.
  f(`{a=~".*"}`, `{a="x\\ny"}`, true);
  f(`{a=~"^b$"}`, `{a="b"}`, true);
});

Deno.test("parseSeriesSelector() rejects what vmagent rejects", () => {
  const f = (selector: string, message: string) => {
    throws(() => parseSeriesSelector(selector), (e: unknown) => {
      equal(e instanceof SyntaxError, true);
      equal((e as Error).message, message, selector);
      return true;
    });
  };
  f(`{`, `expecting a label name at end of input`);
  f(`{foo`, `expecting "=", "!=", "=~" or "!~" after label "foo" at end of input`);
  f(`foo{`, `expecting a label name at end of input`);
  f(`foo{bar="a" or}`, `expecting a label name; got "}"`);
  f(`foo{bar}`, `label filter "bar" has no operator and value`);
  f(`foo{bar=`, `expecting a quoted string value for label "bar" at end of input`);
  f(`foo{bar="`, `cannot find closing quote " for the string "`);
  // MetricsQL checks the anchored regex, then vmagent's `if` compiles the bare one.
  f(
    `foo{bar=~"("}`,
    'invalid regexp in bar="(": error parsing regexp: missing closing ): `^(?:()$`',
  );
  f(
    `foo{bar!~"a[b"}`,
    'invalid regexp in bar="a[b": error parsing regexp: missing closing ]: `[b)$`',
  );
  f(
    `foo{bar=~"a\\\\1"}`,
    'invalid regexp in bar="a\\\\1": error parsing regexp: invalid escape sequence: `\\1`',
  );
  f(
    `foo{bar!~"a)|(b"}`,
    'cannot parse regexp for bar!~"a)|(b": error parsing regexp: unexpected ): `a)|(b`',
  );
  f(`foo{bar==aaa}`, `expecting "=", "!=", "=~" or "!~" after label "bar"; got "=="`);
  f(`foo{bar=aaa}`, `expecting a quoted string value for label "bar"; got "aaa"`);
  f(`foo+bar`, `expecting a series selector, not an expression with a binary operator; got "+"`);
  f(
    `foo or bar`,
    `expecting a series selector, not an expression with a binary operator; got "or"`,
  );
  f(`-foo`, `expecting a series selector; got "-"`);
  f(`rate(foo)`, `expecting a series selector, not a function call; got "rate"`);
  f(`foo[5m]`, `expecting a series selector, not a range, offset or @ modifier; got "["`);
  f(
    `foo offset 5m`,
    `expecting a series selector, not a range, offset or @ modifier; got "offset"`,
  );
  f(`(foo, bar)`, `expecting a series selector, not a union; got ","`);
  f(`123`, `expecting a series selector; got "123"`);
  f(`nan`, `expecting a series selector, not a number; got "nan"`);
  f(`"foo"`, `expecting a series selector; got "\\"foo\\""`);
  f(`foo{__name__="bar"}`, `metric name must not be set twice: "foo" or "bar"`);
  f(`foo bar`, `unexpected data after the series selector; got "bar"`);
  f(`{a="b\\'"}`, `cannot parse string literal "b\\'": invalid escape`);
  f(`with (x = {a="b"}) x`, 'WITH templates are not supported in `if`; got "with"');
  f(``, `expecting a series selector at end of input`);
});
