/**
 * Go's `strings.ToUpper` / `strings.ToLower`: one code point maps to one code
 * point (Unicode simple case mapping), unlike JavaScript's full mapping where
 * `ß` becomes `SS` and `Σ` depends on its neighbours. Private to `lib/relabel`.
 *
 * @module
 */

// Code points whose full uppercase is several characters but whose simple
// uppercase is another single character (Greek with ypogegrammeni).
function simpleUpperSpecial(cp: number): number {
  if (
    (cp >= 0x1f80 && cp <= 0x1f87) || (cp >= 0x1f90 && cp <= 0x1f97) ||
    (cp >= 0x1fa0 && cp <= 0x1fa7)
  ) return cp + 8;
  if (cp === 0x1fb3) return 0x1fbc;
  if (cp === 0x1fc3) return 0x1fcc;
  if (cp === 0x1ff3) return 0x1ffc;
  return cp;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/**
 * Upper-cases `s` code point by code point, as Go's `strings.ToUpper`.
 *
 * @example
 * ```ts
 * goToUpper("straße"); // "STRAßE" (JavaScript's toUpperCase gives "STRASSE")
 * ```
 */
export function goToUpper(s: string): string {
  if (isAscii(s)) return s.toUpperCase();
  let out = "";
  for (const ch of s) {
    const up = ch.toUpperCase();
    out += String.fromCodePoint(up.codePointAt(0)!) === up
      ? up
      : String.fromCodePoint(simpleUpperSpecial(ch.codePointAt(0)!));
  }
  return out;
}

/**
 * Lower-cases `s` code point by code point, as Go's `strings.ToLower`.
 *
 * @example
 * ```ts
 * goToLower("ΣΑΣ"); // "σασ" (JavaScript's toLowerCase gives "σας")
 * goToLower("İ"); // "i"
 * ```
 */
export function goToLower(s: string): string {
  if (isAscii(s)) return s.toLowerCase();
  let out = "";
  for (const ch of s) {
    const low = ch.toLowerCase();
    // Only U+0130 lower-cases to two code points; its simple mapping is "i".
    out += String.fromCodePoint(low.codePointAt(0)!) === low ? low : ch === "\u0130" ? "i" : ch;
  }
  return out;
}
