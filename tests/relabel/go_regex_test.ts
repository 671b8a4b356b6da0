import { deepEqual, equal, throws } from "node:assert/strict";
import {
  compileGoRegex,
  compileGoRegexInfo,
  GoRegexErrorCode,
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

Deno.test("compileGoRegex() rejects what Go rejects, with Go's exact error text", () => {
  const f = (pattern: string, code: string, expr: string, anchored = false, regex = pattern) => {
    throws(() => compileGoRegex(pattern, { anchored }), (e: unknown) => {
      equal(e instanceof GoRegexSyntaxError, true);
      equal(e instanceof SyntaxError, true);
      const g = e as GoRegexSyntaxError;
      equal(g.message, `error parsing regexp: ${code}: \`${expr}\``, pattern);
      equal(g.code, code, pattern);
      equal(g.expr, expr, pattern);
      equal(g.regex, regex, pattern);
      return true;
    });
  };
  const C = GoRegexErrorCode;
  // Unbalanced parens: Go shows the whole expression.
  f("(", C.MissingParen, "(");
  f("(a|b", C.MissingParen, "(a|b");
  f("x(?:y", C.MissingParen, "x(?:y");
  f(")", C.UnexpectedParen, ")");
  f("a)", C.UnexpectedParen, "a)");
  // vmagent compiles `^(?:pattern)$` first, then the pattern: the first failure is reported.
  f("a(", C.MissingParen, "^(?:a()$", true, "^(?:a()$");
  f("a)", C.UnexpectedParen, "^(?:a))$", true, "^(?:a))$");
  f("a)|(b", C.UnexpectedParen, "a)|(b", true);
  // An unterminated \Q swallows the closing paren of the anchored text.
  f("\\Qa.b", C.MissingParen, "^(?:\\Qa.b)$", true, "^(?:\\Qa.b)$");
  // Classes: the class from its `[` to the end.
  f("[a", C.MissingBracket, "[a");
  f("[]", C.MissingBracket, "[]");
  f("x[a-b", C.MissingBracket, "[a-b");
  f("[z-a]", C.InvalidCharRange, "z-a");
  f("[[:foo:]]", C.InvalidCharRange, "[:foo:]");
  // Repetition.
  f("*", C.MissingRepeatArgument, "*");
  f("a|*", C.MissingRepeatArgument, "*");
  f("(*)", C.MissingRepeatArgument, "*");
  f("(?i)*", C.MissingRepeatArgument, "*");
  f("+?", C.MissingRepeatArgument, "+?");
  f("{2}", C.MissingRepeatArgument, "{2}");
  f("a**", C.InvalidRepeatOp, "**");
  f("a*??", C.InvalidRepeatOp, "*??");
  f("a+*", C.InvalidRepeatOp, "+*");
  f("a{2}{3}", C.InvalidRepeatOp, "{2}{3}");
  f("a{1001}", C.InvalidRepeatSize, "{1001}");
  f("a{2,1}", C.InvalidRepeatSize, "{2,1}");
  f("a{100000000}", C.InvalidRepeatSize, "{100000000}");
  f("(a{100}){100}", C.InvalidRepeatSize, "{100}");
  // Escapes: Go shows what it read before giving up.
  f("\\", C.TrailingBackslash, "");
  f("a\\", C.TrailingBackslash, "");
  f("\\1", C.InvalidEscape, "\\1");
  f("(a)\\1", C.InvalidEscape, "\\1");
  f("(a)\\18", C.InvalidEscape, "\\1");
  f("(a)\\8", C.InvalidEscape, "\\8");
  f("a\\9b", C.InvalidEscape, "\\9");
  f("[\\1]", C.InvalidEscape, "\\1");
  f("\\Z", C.InvalidEscape, "\\Z");
  f("\\G", C.InvalidEscape, "\\G");
  f("\\u0041", C.InvalidEscape, "\\u");
  f("\\k<n>", C.InvalidEscape, "\\k");
  f("\\e", C.InvalidEscape, "\\e");
  f("\\C", C.InvalidEscape, "\\C");
  f("\\é", C.InvalidEscape, "\\é");
  f("[\\b]", C.InvalidEscape, "\\b");
  f("\\x", C.InvalidEscape, "\\x");
  f("\\x4", C.InvalidEscape, "\\x4");
  f("\\xZ1", C.InvalidEscape, "\\xZ1");
  f("\\x1Zb", C.InvalidEscape, "\\x1Z");
  f("\\x😀1", C.InvalidEscape, "\\x😀1");
  f("\\x{", C.InvalidEscape, "\\x{");
  f("\\x{}", C.InvalidEscape, "\\x{}");
  f("\\x{41", C.InvalidEscape, "\\x{41");
  f("\\x{4g}", C.InvalidEscape, "\\x{4g");
  f("\\x{110000}", C.InvalidEscape, "\\x{110000");
  f("\\x{12345678}", C.InvalidEscape, "\\x{123456");
  f("\\pX", C.InvalidCharRange, "\\pX");
  f("\\p{Foo}x", C.InvalidCharRange, "\\p{Foo}");
  f("[\\P{^Foo}]", C.InvalidCharRange, "\\P{^Foo}");
  f("\\p", C.InvalidCharRange, "\\p");
  f("\\p{Greek", C.InvalidCharRange, "\\p{Greek");
  // Perl groups: Go knows named captures and flags only.
  f("(?=a)", C.InvalidPerlOp, "(?=");
  f("(?!a)", C.InvalidPerlOp, "(?!");
  f("(?>a)", C.InvalidPerlOp, "(?>");
  f("(?#c)", C.InvalidPerlOp, "(?#");
  f("(?x)a", C.InvalidPerlOp, "(?x");
  f("(?'n'a)", C.InvalidPerlOp, "(?'");
  f("(?P=n)", C.InvalidPerlOp, "(?P");
  f("(?", C.InvalidPerlOp, "(?");
  f("(?i", C.InvalidPerlOp, "(?i");
  f("(?-)", C.InvalidPerlOp, "(?-)");
  f("(?i-)", C.InvalidPerlOp, "(?i-)");
  f("(?--i)", C.InvalidPerlOp, "(?--");
  f("(?<", C.InvalidPerlOp, "(?<");
  // Lookbehinds parse as named captures in Go.
  f("(?<=a)b", C.InvalidNamedCapture, "(?<=a)b");
  f("(?<!a)b", C.InvalidNamedCapture, "(?<!a)b");
  f("(?<=a)b>c", C.InvalidNamedCapture, "(?<=a)b>");
  f("(?P<>a)", C.InvalidNamedCapture, "(?P<>");
  f("(?P<a-b>x)", C.InvalidNamedCapture, "(?P<a-b>");
  f("(?P<name", C.InvalidNamedCapture, "(?P<name");
  f("(?<n", C.InvalidNamedCapture, "(?<n");
  // A lone surrogate is what JavaScript holds where Go would see invalid UTF-8.
  f("a\ud800b", C.InvalidUTF8, "\ud800b");
  f("[\udc00]", C.InvalidUTF8, "\udc00]");
  f("\\Q\ud800\\E", C.InvalidUTF8, "\ud800");
  f("(?P<a\ud800>x)", C.InvalidUTF8, "\ud800");
});

Deno.test("compileGoRegex() knows every Unicode 15.0 script Go knows", () => {
  for (const s of SCRIPTS) {
    equal(compileGoRegex(`\\p{${s}}`, { anchored: true }).source, `^[\\p{Script=${s}}]$`);
  }
});
