/**
 * Go's `url.QueryEscape`, used wherever vmagent puts a value in a query string or,
 * as Go's oauth2 package does, escapes client credentials before Basic auth.
 *
 * @module
 */

const encoder = new TextEncoder();
const HEX = "0123456789ABCDEF";

/**
 * Escapes `s` as Go's `url.QueryEscape`: ASCII letters, digits and `-_.~` stay, a
 * space becomes `+`, and every other UTF-8 byte becomes `%XX` (upper-case hex).
 * Unlike `encodeURIComponent`, `!*'()` are escaped too, and a lone UTF-16 surrogate
 * does not throw: it is encoded as U+FFFD (`%EF%BF%BD`), the character Go's decoders
 * (e.g. `encoding/json`) put in its place.
 *
 * @example
 * ```ts
 * goQueryEscape("app in (web, api)"); // "app+in+%28web%2C+api%29"
 * goQueryEscape("sec ret!"); // "sec+ret%21"
 * goQueryEscape("é"); // "%C3%A9"
 * goQueryEscape("a-b_c.d~e"); // "a-b_c.d~e"
 * ```
 */
export function goQueryEscape(s: string): string {
  let plain = true;
  for (let i = 0; i < s.length && plain; i++) plain = isUnreserved(s.charCodeAt(i));
  if (plain) return s;
  let out = "";
  for (const b of encoder.encode(s)) {
    if (isUnreserved(b)) out += String.fromCharCode(b);
    else if (b === 0x20) out += "+";
    else out += "%" + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

/** Go's `shouldEscape(c, encodeQueryComponent)` is false only for these (RFC 3986 unreserved). */
function isUnreserved(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    c === 0x2d || c === 0x5f || c === 0x2e || c === 0x7e;
}
