/**
 * Character class tables of Go's `regexp/syntax`: Perl groups (`\d \s \w`),
 * POSIX groups (`[:alpha:]`) and the Unicode class names accepted by `\p{...}`,
 * mapped to JavaScript `\p{...}` property names. Private to `lib/relabel`.
 *
 * @module
 */

/**
 * Go's Perl groups as inclusive [lo, hi] code point pairs, keyed by letter: ASCII only
 * (`\s` is `[\t\n\f\r ]`, narrower than JavaScript's `\s`).
 *
 * @example
 * ```ts
 * PERL_GROUPS.d; // [0x30, 0x39]: `\d` is `[0-9]`
 * ```
 */
export const PERL_GROUPS: Readonly<Record<string, readonly number[]>> = {
  d: [0x30, 0x39],
  s: [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20],
  w: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
};

/**
 * Go's POSIX groups as inclusive [lo, hi] code point pairs, keyed by name; usable only
 * inside brackets: `[[:alpha:]]`, `[[:^alpha:]]`.
 *
 * @example
 * ```ts
 * POSIX_GROUPS.alpha; // [0x41, 0x5a, 0x61, 0x7a]: `[A-Za-z]`
 * ```
 */
export const POSIX_GROUPS: Readonly<Record<string, readonly number[]>> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x00, 0x7f],
  blank: [0x09, 0x09, 0x20, 0x20],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
  digit: [0x30, 0x39],
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x09, 0x0d, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

// General categories Go knows, by their short names. Go's `C` (Other) is built
// from the assigned code points only (Cc, Cf, Co, Cs), while JavaScript's
// `\p{C}` also covers unassigned ones, hence the explicit union.
const CATEGORIES: Record<string, readonly string[]> = {
  C: ["Cc", "Cf", "Co", "Cs"],
  L: ["L"],
  M: ["M"],
  N: ["N"],
  P: ["P"],
  S: ["S"],
  Z: ["Z"],
};
for (
  const c of [
    "Cc",
    "Cf",
    "Cn",
    "Co",
    "Cs",
    "Ll",
    "Lm",
    "Lo",
    "Lt",
    "Lu",
    "Mc",
    "Me",
    "Mn",
    "Nd",
    "Nl",
    "No",
    "Pc",
    "Pd",
    "Pe",
    "Pf",
    "Pi",
    "Po",
    "Ps",
    "Sc",
    "Sk",
    "Sm",
    "So",
    "Zl",
    "Zp",
    "Zs",
  ]
) CATEGORIES[c] = [c];

// Unicode long names of the general categories (Go's unicode.CategoryAliases).
const CATEGORY_ALIASES: Record<string, string> = {
  Cased_Letter: "LC",
  Close_Punctuation: "Pe",
  Combining_Mark: "M",
  Connector_Punctuation: "Pc",
  Control: "Cc",
  cntrl: "Cc",
  Currency_Symbol: "Sc",
  Dash_Punctuation: "Pd",
  Decimal_Number: "Nd",
  digit: "Nd",
  Enclosing_Mark: "Me",
  Final_Punctuation: "Pf",
  Format: "Cf",
  Initial_Punctuation: "Pi",
  Letter: "L",
  Letter_Number: "Nl",
  Line_Separator: "Zl",
  Lowercase_Letter: "Ll",
  Mark: "M",
  Math_Symbol: "Sm",
  Modifier_Letter: "Lm",
  Modifier_Symbol: "Sk",
  Nonspacing_Mark: "Mn",
  Number: "N",
  Open_Punctuation: "Ps",
  Other: "C",
  Other_Letter: "Lo",
  Other_Number: "No",
  Other_Punctuation: "Po",
  Other_Symbol: "So",
  Paragraph_Separator: "Zp",
  Private_Use: "Co",
  Punctuation: "P",
  punct: "P",
  Separator: "Z",
  Space_Separator: "Zs",
  Spacing_Mark: "Mc",
  Surrogate: "Cs",
  Symbol: "S",
  Titlecase_Letter: "Lt",
  Unassigned: "Cn",
  Uppercase_Letter: "Lu",
};

/**
 * The script names of Unicode 15.0, the version Go's `unicode` package carries; each is a
 * valid `\p{Script=...}` in JavaScript.
 *
 * @example
 * ```ts
 * SCRIPTS.includes("Greek"); // true
 * ```
 */
export const SCRIPTS: readonly string[] = (
  "Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak " +
  "Bengali Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian " +
  "Caucasian_Albanian Chakma Cham Cherokee Chorasmian Common Coptic Cuneiform Cypriot " +
  "Cypro_Minoan Cyrillic Deseret Devanagari Dives_Akuru Dogra Duployan Egyptian_Hieroglyphs " +
  "Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati Gunjala_Gondi " +
  "Gurmukhi Han Hangul Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic " +
  "Inherited Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada Katakana " +
  "Kawi Kayah_Li Kharoshthi Khitan_Small_Script Khmer Khojki Khudawadi Lao Latin Lepcha Limbu " +
  "Linear_A Linear_B Lisu Lycian Lydian Mahajani Makasar Malayalam Mandaic Manichaean Marchen " +
  "Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui Meroitic_Cursive " +
  "Meroitic_Hieroglyphs Miao Modi Mongolian Mro Multani Myanmar Nabataean Nag_Mundari " +
  "Nandinagari New_Tai_Lue Newa Nko Nushu Nyiakeng_Puachue_Hmong Ogham Ol_Chiki " +
  "Old_Hungarian Old_Italic Old_North_Arabian Old_Permic Old_Persian Old_Sogdian " +
  "Old_South_Arabian Old_Turkic Old_Uyghur Oriya Osage Osmanya Pahawh_Hmong Palmyrene " +
  "Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic Samaritan Saurashtra Sharada " +
  "Shavian Siddham SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese Syloti_Nagri " +
  "Syriac Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Takri Tamil Tangsa Tangut Telugu Thaana " +
  "Thai Tibetan Tifinagh Tirhuta Toto Ugaritic Vai Vithkuqi Wancho Warang_Citi Yezidi Yi " +
  "Zanabazar_Square"
).split(" ");

/**
 * Go's lookup key for a class name: separators `_`, `-` and space dropped, the
 * first letter upper-cased and the rest lower-cased (`regexp/syntax.canonicalName`).
 */
function canonicalName(name: string): string {
  let out = "";
  for (const ch of name) {
    if (ch === "_" || ch === "-" || ch === " ") continue;
    out += out === "" ? ch.toUpperCase() : ch.toLowerCase();
  }
  return out;
}

let table: Map<string, readonly string[]> | undefined;

function buildTable(): Map<string, readonly string[]> {
  const m = new Map<string, readonly string[]>();
  // Scripts and aliases first so that the exact category keys win on a clash.
  for (const s of SCRIPTS) m.set(canonicalName(s), [`Script=${s}`]);
  for (const [alias, cat] of Object.entries(CATEGORY_ALIASES)) {
    m.set(canonicalName(alias), cat === "LC" ? ["LC"] : CATEGORIES[cat]);
  }
  for (const [cat, names] of Object.entries(CATEGORIES)) m.set(cat, names);
  m.set("Any", ["Any"]);
  m.set("Assigned", ["Assigned"]);
  m.set("Ascii", ["ASCII"]);
  m.set("Lc", ["LC"]);
  return m;
}

/**
 * Returns the JavaScript property names (`L`, `Script=Greek`, ...) whose union is
 * the Go Unicode class `name`, or undefined when Go does not know the name. The
 * lookup ignores case, `_`, `-` and spaces, and accepts category aliases.
 *
 * @example
 * ```ts
 * lookupUnicodeClass("Greek"); // ["Script=Greek"]
 * lookupUnicodeClass("Letter"); // ["L"]
 * lookupUnicodeClass("C"); // ["Cc", "Cf", "Co", "Cs"]: Go's C leaves out unassigned code points
 * lookupUnicodeClass("Klingon"); // undefined
 * ```
 */
export function lookupUnicodeClass(name: string): readonly string[] | undefined {
  table ??= buildTable();
  return table.get(canonicalName(name));
}
