import { deepEqual, equal } from "node:assert/strict";
import { GraphiteMatchTemplate, GraphiteReplaceTemplate } from "../../lib/relabel/graphite.ts";

Deno.test("GraphiteMatchTemplate.match() captures dot-free runs for each *", () => {
  const f = (tpl: string, s: string, want: string[] | undefined) => {
    deepEqual(new GraphiteMatchTemplate(tpl).match(s), want, `${tpl} on ${s}`);
  };
  f("", "", [""]);
  f("", "foobar", undefined);
  f("foo", "foo", ["foo"]);
  f("foo", "", undefined);
  f("foo.bar.baz", "foo.bar.baz", ["foo.bar.baz"]);
  f("*", "foobar", ["foobar", "foobar"]);
  f("**", "foobar", undefined);
  f("*", "foo.bar", undefined);
  f("*foo", "barfoo", ["barfoo", "bar"]);
  f("*foo", "foo", ["foo", ""]);
  f("*foo", "bar.foo", undefined);
  f("foo*", "foobar", ["foobar", "bar"]);
  f("foo*", "foo", ["foo", ""]);
  f("foo*", "foo.bar", undefined);
  f("foo.*", "foobar", undefined);
  f("foo.*", "foo.bar", ["foo.bar", "bar"]);
  f("foo.*", "foo.bar.baz", undefined);
  f("*.*.baz", "foo.bar.baz", ["foo.bar.baz", "foo", "bar"]);
  f("*.bar", "foo.bar.baz", undefined);
  f("app*prod.requests", "app42prod.requests", ["app42prod.requests", "42"]);
});

Deno.test("GraphiteReplaceTemplate.expand() inserts $N and ${N} captures", () => {
  const f = (tpl: string, captures: string[], want: string) => {
    equal(new GraphiteReplaceTemplate(tpl).expand(captures), want, tpl);
  };
  f("", [], "");
  f("foo", [], "foo");
  f("$", [], "$");
  f("$1", [], "$1");
  f("${123", [], "${123");
  f("${123}", [], "${123}");
  f("${foo}45$sdf$3", [], "${foo}45$sdf$3");
  f("$1", ["foo", "bar"], "bar");
  f("$0-$1", ["foo", "bar"], "foo-bar");
  f("x-${0}-$1", ["foo", "bar"], "x-foo-bar");
  f("${+1}|${-1}", ["foo", "bar"], "bar|${-1}");
  f("${2}_total", ["test.foo.bar.counter", "foo", "bar"], "bar_total");
  f("$1-${3}_$2_total", ["foo.signup.bar.baz", "foo", "bar", "baz"], "foo-baz_bar_total");
});
