import { equal } from "node:assert/strict";
import { compileGoRegexInfo } from "../../lib/relabel/go_regex.ts";
import {
  compileGoTemplate,
  expandGoTemplate,
  replaceAllGo,
} from "../../lib/relabel/go_template.ts";

Deno.test("expandGoTemplate() follows Go's Regexp.Expand rules", () => {
  const f = (pattern: string, input: string, template: string, want: string) => {
    const { regexp, groupNames } = compileGoRegexInfo(pattern, { anchored: true });
    const t = compileGoTemplate(template, groupNames);
    equal(expandGoTemplate(t, regexp.exec(input)), want, `${pattern} ${template}`);
  };
  f("(a)(b)", "ab", "$1-$2", "a-b");
  f("(a)(b)", "ab", "${1}x", "ax");
  // $1x is the group named "1x", which does not exist.
  f("(a)(b)", "ab", "$1x", "");
  f("(a)(b)", "ab", "$1_$2", "b");
  f("(a)(b)", "ab", "$1.$2", "a.b");
  f("(a)(b)", "ab", "$$1", "$1");
  f("(a)(b)", "ab", "$", "$");
  f("(a)(b)", "ab", "a$", "a$");
  f("(a)(b)", "ab", "${1", "${1");
  f("(a)(b)", "ab", "${}", "${}");
  f("(a)(b)", "ab", "$-1", "$-1");
  f("(a)(b)", "ab", "$0", "ab");
  f("(a)(b)", "ab", "$3", "");
  f("(a)(b)", "ab", "$01", "");
  f("(a)(b)", "ab", "$100000000", "");
  f("(?P<x>a)(?P<y_1>b)", "ab", "$y_1$x ${x}", "ba a");
  f("(?P<x>a)(?P<x>b)?", "a", "[$x]", "[a]");
  f("(?P<x>a)?(?P<x>b)", "b", "[$x]", "[b]");
  f("(a)|(b)", "b", "[$1][$2]", "[][b]");
  f("(a)", "a", "$é1!", "!");
  f("(a)", "a", "literal", "literal");
});

Deno.test("expandGoTemplate() expands every group to nothing without a match", () => {
  const t = compileGoTemplate("x${1}y$2z", ["", "", ""]);
  // "$2z" names the group "2z".
  equal(expandGoTemplate(t, null), "xy");
});

Deno.test("replaceAllGo() matches Go's ReplaceAllString", () => {
  const f = (pattern: string, input: string, template: string, want: string) => {
    const { regexp, groupNames } = compileGoRegexInfo(pattern, { anchored: false, global: true });
    equal(replaceAllGo(regexp, input, compileGoTemplate(template, groupNames)), want, pattern);
    // The regex is left reusable.
    equal(replaceAllGo(regexp, input, compileGoTemplate(template, groupNames)), want, pattern);
  };
  f("a*", "baaac", "X", "XbXcX");
  f("", "abc", "X", "XaXbXcX");
  f("b", "abc", "X", "aXc");
  f("a+", "baaac", "X", "bXc");
  f("[a-c]*", "def", "X", "XdXeXfX");
  f("[a-c]+", "abcbcdcdedef", "X", "XdXdedef");
  f("a+(b)", "aab", "$1", "b");
  f("-", "a-b-c", ".", "a.b.c");
  f("(;)", "y;y;", "-$1-", "y-;-y-;-");
  f(".*", "abc", "$1", "");
  f(".*", "", "x", "x");
  f(".*", "a\nb", "x", "x\nx");
  f("ba(.)", "foo.bar.baz", "${1}ss", "foo.rss.zss");
  f("", "😀", "-", "-😀-");
  f("x*", "😀", "-", "-😀-");
  f("$", "abc", "!", "abc!");
});
