import { deepEqual, equal, throws } from "node:assert/strict";
import {
  compileGoRegex,
  compileGoRegexInfo,
  GoRegexSyntaxError,
} from "../../lib/relabel/go_regex.ts";
import { SCRIPTS } from "../../lib/relabel/_unicode_classes.ts";

Deno.test("compileGoRegex() matches what Go matches for each translated construct", () => {
  const f = (pattern: string, input: string, want: boolean, anchored = true) => {
    const re = compileGoRegex(pattern, { anchored });
    equal(re.test(input), want, `${pattern} (anchored=${anchored}) on ${JSON.stringify(input)}`);
  };
  // `.` is any character but \n (JavaScript's `.` would also refuse \r, U+2028, U+2029).
  f("a.b", "a\nb", false);
  f("a.b", "a\rb", true);
  f("a.b", "a\u2028b", true);
  f(".", "😀", true);
  f("(?s)a.b", "a\nb", true);
  f("(?s:a.)b", "a\nb", true);
  f("(?s:a).b", "a\nb", false);
  f("(?s)a(?-s).b", "a\nb", false);
  // Anchors: `$` is the end of text only, (?m) lines end at \n only.
  f("a$", "a\n", false, false);
  f("a\\z", "a", true, false);
  f("\\Aa", "ba", false, false);
  f("(?m)a$", "a\nb", true, false);
  f("(?m)^b", "a\nb", true, false);
  f("(?m)^b", "a\rb", false, false);
  f("(?m)a$", "a\rb", false, false);
  f("^*a", "a", true, false);
  // Perl and POSIX classes are ASCII; Go's \s has no \v.
  f("\\s", "\t", true);
  f("\\s", "\v", false);
  f("\\s", "\u00a0", false);
  f("\\S", "\v", true);
  f("[[:space:]]", "\v", true);
  f("\\w", "é", false);
  f("\\W", "é", true);
  f("\\d", "٣", false);
  f("[\\d-z]+", "5-z", true);
  f("[^\\S]", "\n", true);
  f("[^\\S]", "x", false);
  f("[[:alpha:]]+", "abcXYZ", true);
  f("[[:^digit:]]", "5", false);
  f("[[:word:]]", "_", true);
  f("[[:punct:]]", "!", true);
  f("[[:xdigit:]]+", "09afAF", true);
  f("\\bé", "é", false);
  f("a\\b", "a", true);
  f("a\\Bb", "ab", true);
  // Unicode classes.
  f("\\pL", "é", true);
  f("\\pL", "1", false);
  f("\\PL", "1", true);
  f("\\p{Greek}", "α", true);
  f("\\p{^Greek}", "a", true);
  f("\\P{^Greek}", "α", true);
  f("\\pN", "٣", true);
  f("\\p{Lu}", "A", true);
  f("\\p{lu}", "a", false);
  f("\\p{Letter}", "x", true);
  f("\\p{Old_Italic}", "𐌀", true);
  f("[\\p{Lu}\\d]", "5", true);
  f("\\p{Any}", "\n", true);
  f("\\pC", "\u0000", true);
  // Case folding: (?i) is scoped to its group and carries across `|`.
  f("(?i)foo", "FoO", true);
  f("f(?i)oo", "fOO", true);
  f("f(?i)oo", "FOO", false);
  f("(?i:a)b", "Ab", true);
  f("(?i:a)b", "AB", false);
  f("(?i)a(?-i)b", "AB", false);
  f("(a(?i)b)c", "aBc", true);
  f("(a(?i)b)c", "aBC", false);
  f("a(?i)b|c", "C", true);
  f("(?i)k", "\u212a", true);
  f("(?i)s", "\u017f", true);
  f("(?i)[[:^lower:]]", "A", false);
  f("(?i)\\W", "\u017f", false);
  f("(?i)\\bk", "\u212a", false);
  f("(?i)[^a-z]", "A", false);
  // Escapes.
  f("\\x41", "A", true);
  f("\\x{1F600}", "😀", true);
  f("\\101", "A", true);
  f("\\0", "\0", true);
  f("\\12", "\n", true);
  f("\\a\\f\\t\\n\\r\\v", "\x07\f\t\n\r\v", true);
  f("\\.\\_\\-\\ ", "._- ", true);
  f("\\Qa.b\\E", "a.b", true);
  f("\\Qa.b\\E", "axb", false);
  f("\\Qa.b", "xa.b", true, false);
  f("\\Qa\\E+", "aaa", true);
  // Braces that are no repetition are literal.
  f("a{,2}", "a{,2}", true);
  f("x{01}", "x{01}", true);
  f("a{2", "a{2", true);
  f("a{2}", "aa", true);
  f("a{2,3}", "aaaa", false);
  f("a{2,}", "aaaa", true);
  // Classes.
  f("[]a]+", "]a", true);
  f("[^]a]", "b", true);
  f("[^]a]", "]", false);
  f("[a-]+", "a-", true);
  f("[^\\x00-\\x{10FFFF}]", "a", false);
  f("[^a]", "\n", true);
  f("a|b|", "", true);
});

Deno.test("compileGoRegex() keeps Go's capture groups, laziness and (?U)", () => {
  const f = (pattern: string, input: string, want: (string | undefined)[]) => {
    const m = compileGoRegex(pattern, { anchored: false }).exec(input);
    deepEqual(m === null ? null : [...m], want, pattern);
  };
  f("(a+)(a*)", "aaa", ["aaa", "aaa", ""]);
  f("(a+?)(a*)", "aaa", ["aaa", "a", "aa"]);
  f("(?U)(a+)(a*)", "aaa", ["a", "a", ""]);
  f("(?U)(a+?)", "aaa", ["aaa", "aaa"]);
  f("(?P<x>a)(?<y>b)?(c)", "ac", ["ac", "a", undefined, "c"]);
  f("(?i)(k)", "\u212a", ["\u212a", "\u212a"]);
});

Deno.test("compileGoRegex() emits JS named groups only for valid unique names", () => {
  const re = compileGoRegex("(?P<host>[^:]+):(?P<1x>\\d+)", { anchored: true });
  const m = re.exec("a:1");
  equal(m?.groups?.host, "a");
  equal(m?.[2], "1");
  const info = compileGoRegexInfo("(?P<a>x)(?P<a>y)(z)", { anchored: false });
  deepEqual(info.groupNames, ["", "a", "a", ""]);
  equal(info.regexp.exec("xyz")?.groups, undefined);
});

Deno.test("compileGoRegex() writes Go-only meanings explicitly", () => {
  const f = (pattern: string, want: string) => {
    equal(compileGoRegex(pattern, { anchored: false }).source, want);
  };
  f("a.b", "a[^\\n]b");
  f("(?s).", "[^]");
  f("\\s", "[\\x09-\\x0A\\x0C-\\x0D\\x20]");
  f("(?m)^$", "(?<![^\\n])(?![^\\n])");
  f("(?i)ab1", "(?i:ab1)");
  f("(?U)a*b*?", "a*?b*");
  f("x{01}", "x\\x7B01\\x7D");
  equal(compileGoRegex("a|b", { anchored: true }).source, "^(?:a|b)$");
});

Deno.test("compileGoRegex() rejects what Go rejects, naming the construct", () => {
  const f = (pattern: string, message: string, anchored = false) => {
    throws(() => compileGoRegex(pattern, { anchored }), (e: unknown) => {
      equal(e instanceof GoRegexSyntaxError, true);
      equal(e instanceof SyntaxError, true);
      equal((e as Error).message, message, pattern);
      return true;
    });
  };
  f("(", "missing closing )");
  f("(a|b", "missing closing )");
  f(")", "unexpected )");
  f("a)", "unexpected )");
  f("a)|(b", "unexpected )", true);
  // vmagent anchors by text, so an unterminated \Q swallows the closing paren.
  f("\\Qa.b", "missing closing )", true);
  f("[a", "missing closing ] `[a`");
  f("[]", "missing closing ] `[]`");
  f("*", "missing argument to repetition operator `*`");
  f("a|*", "missing argument to repetition operator `*`");
  f("(?i)*", "missing argument to repetition operator `*`");
  f("+?", "missing argument to repetition operator `+?`");
  f("a**", "invalid nested repetition operator `**`");
  f("a*??", "invalid nested repetition operator `*??`");
  f("a{2}{3}", "invalid nested repetition operator `{2}{3}`");
  f("a{1001}", "invalid repeat count `{1001}`");
  f("a{2,1}", "invalid repeat count `{2,1}`");
  f("a{100000000}", "invalid repeat count `{100000000}`");
  f("(a{100}){100}", "invalid repeat count `{100}`");
  f("\\", "trailing backslash at end of expression");
  f("\\1", "backreferences are not supported by Go regular expressions: `\\1`");
  f("(a)\\8", "backreferences are not supported by Go regular expressions: `\\8`");
  f("(?=a)", "lookahead is not supported by Go regular expressions: `(?=`");
  f("(?!a)", "lookahead is not supported by Go regular expressions: `(?!`");
  f("(?<=a)b", "lookbehind is not supported by Go regular expressions: `(?<=`");
  f("(?<!a)b", "lookbehind is not supported by Go regular expressions: `(?<!`");
  f("(?>a)", "atomic groups are not supported by Go regular expressions: `(?>`");
  f("(?#c)", "invalid or unsupported Perl syntax `(?#`");
  f("(?x)a", "invalid or unsupported Perl syntax `(?x`");
  f("(?'n'a)", "invalid or unsupported Perl syntax `(?'`");
  f("(?P=n)", "invalid or unsupported Perl syntax `(?P`");
  f("(?", "invalid or unsupported Perl syntax `(?`");
  f("(?i", "invalid or unsupported Perl syntax `(?i`");
  f("(?-)", "invalid or unsupported Perl syntax `(?-)`");
  f("(?i-)", "invalid or unsupported Perl syntax `(?i-)`");
  f("(?--i)", "invalid or unsupported Perl syntax `(?--`");
  f("(?P<>a)", "invalid named capture `(?P<>`");
  f("(?P<a-b>x)", "invalid named capture `(?P<a-b>`");
  f("(?P<name", "invalid named capture `(?P<name`");
  f("\\Z", "invalid escape sequence `\\Z`");
  f("\\G", "invalid escape sequence `\\G`");
  f("\\u0041", "invalid escape sequence `\\u`");
  f("\\k<n>", "invalid escape sequence `\\k`");
  f("\\e", "invalid escape sequence `\\e`");
  f("\\C", "invalid escape sequence `\\C`");
  f("\\é", "invalid escape sequence `\\é`");
  f("[\\b]", "invalid escape sequence `\\b`");
  f("\\x{110000}", "invalid escape sequence `\\x{110000}`");
  f("\\xZ1", "invalid escape sequence `\\xZ1`");
  f("\\pX", "unknown Unicode class `\\pX`");
  f("\\p{Foo}", "unknown Unicode class `\\p{Foo}`");
  f("\\p", "unknown Unicode class `\\p`");
  f("\\p{Greek", "invalid character class range `\\p{Greek`");
  f("[[:foo:]]", "unknown POSIX class `[:foo:]`");
  f("[z-a]", "invalid character class range `z-a`");
});

Deno.test("compileGoRegex() knows every Unicode 15.0 script Go knows", () => {
  for (const s of SCRIPTS) {
    equal(compileGoRegex(`\\p{${s}}`, { anchored: true }).source, `^[\\p{Script=${s}}]$`);
  }
});
