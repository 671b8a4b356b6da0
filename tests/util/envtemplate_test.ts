import assert from "node:assert/strict";
import { expandEnvTemplate, expandEnvVars, resolvedEnvLookup } from "../../lib/util/envtemplate.ts";

Deno.test("expandEnvTemplate() replaces known placeholders and keeps unknown ones", () => {
  const env: Record<string, string> = {
    foo: "bar",
    "foo.bar_1": "baz",
    "foo-bar_2": "test",
    empty: "",
    "x y": "spaced",
  };
  const f = (text: string, want: string) => {
    assert.equal(expandEnvTemplate(text, (n) => env[n]), want, text);
  };
  // no placeholders
  f("", "");
  f("foo", "foo");
  f("100%", "100%");
  // known names, including dots and dashes
  f("a %{foo}-x", "a bar-x");
  f("%{foo.bar_1}", "baz");
  f("qq.%{foo-bar_2}.ww", "qq.test.ww");
  f("%{foo}%{foo}", "barbar");
  // an empty variable is substituted by ""
  f("[%{empty}]", "[]");
  // unknown names are left as is
  f("foo %{bar} %{baz} %{foo}", "foo %{bar} %{baz} bar");
  f("%{123}", "%{123}");
  // the name is the text up to the next "}", used verbatim
  f("%{x y}", "spaced");
  f("%{ foo }", "%{ foo }");
  f("%{a %{foo}", "%{a %{foo}");
  // an unclosed placeholder stays literal
  f("x %{foo", "x %{foo");
  f("%{foo} %{", "bar %{");
  // substituted text is not scanned again
  assert.equal(expandEnvTemplate("%{a}", (n) => (n === "a" ? "%{a}" : undefined)), "%{a}");
});

Deno.test("expandEnvVars() resolves references between variables like vmagent", () => {
  const f = (env: Record<string, string>, want: Record<string, string>) => {
    assert.deepEqual(Object.fromEntries(expandEnvVars(env)), want);
  };
  f({}, {});
  f({ foo: "%{bar}", bar: "x" }, { foo: "x", bar: "x" });
  f({ a: "x%{b}", b: "y%{c}z%{d}", c: "123", d: "qwe" }, {
    a: "xy123zqwe",
    b: "y123zqwe",
    c: "123",
    d: "qwe",
  });
  // a cycle stops after as many rounds as there are variables
  f({ a: "x%{b}y", b: "z%{a}q", c: "" }, {
    a: "xzxzxzxz%{a}qyqyqyqy",
    b: "zxzxzxzx%{b}yqyqyqyq",
    c: "",
  });
  f({ a: "%{x.y}", "x.y": "test" }, { a: "test", "x.y": "test" });
  f({ a: "%{x y}" }, { a: "%{x y}" });
  f({ a: "%{123}" }, { a: "%{123}" });
});

Deno.test("expandEnvVars() accepts a Map and does not change it", () => {
  const src = new Map([["a", "%{b}"], ["b", "1"]]);
  const got = expandEnvVars(src);
  assert.equal(got.get("a"), "1");
  assert.equal(src.get("a"), "%{b}");
});

Deno.test("resolvedEnvLookup() resolves references inside values from a map or a function", () => {
  const env: Record<string, string> = {
    URL: "http://%{HOST}:%{PORT}/",
    HOST: "db",
    PORT: "%{P}",
    P: "80",
  };
  for (const source of [env, new Map(Object.entries(env)), (n: string) => env[n]]) {
    const lookup = resolvedEnvLookup(source);
    assert.equal(lookup("URL"), "http://db:80/");
    assert.equal(lookup("HOST"), "db");
    assert.equal(lookup("NOPE"), undefined);
    assert.equal(expandEnvTemplate("%{URL}x", lookup), "http://db:80/x");
  }
});

Deno.test("resolvedEnvLookup() stops on cycles", () => {
  const env: Record<string, string> = { A: "a%{B}", B: "b%{A}", C: "%{C}" };
  const lookup = resolvedEnvLookup((n) => env[n]);
  assert.equal(lookup("A"), "ab%{A}");
  assert.equal(lookup("C"), "%{C}");
  // with all variables given, vmagent's bounded rounds apply
  assert.equal(resolvedEnvLookup(env)("C"), "%{C}");
  assert.match(resolvedEnvLookup(env)("A")!, /^abab.*%\{[AB]\}/);
});
