/**
 * Hiding the secrets of URLs inside free text (error messages, log lines, status pages).
 *
 * @module
 */

/** Options of {@linkcode redactUrls}. */
export interface RedactUrlsOptions {
  /**
   * Also hide every query value (`?token=***&x`; names and valueless params stay), for URLs
   * that carry access tokens in the query (file_sd). Scrape URLs keep their params visible,
   * as vmagent shows them in errors.
   *
   * @default {false}
   */
  query?: boolean;
}

/**
 * A `scheme://` URL in a text, up to white space, a double quote, `<`, `>` or a backtick.
 * Trailing punctuation is trimmed off afterwards (see `urlEnd`); single quotes and
 * parentheses stay inside, since RFC 3986 allows them unencoded in a userinfo.
 */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"<>`]*/gi;

/** Characters that end a sentence or a clause rather than a URL (`url: error`, `url, then`). */
const TRAILING = ".,;:!?'";

/**
 * Hides the secrets of every `scheme://` URL in `text`: the password of a `user:password@`
 * userinfo becomes `user:***@` and a bare `token@` userinfo becomes `***@`. As Go's
 * `net/url` does, the userinfo ends at the last `@` of the authority (the part before the
 * first `/`, `?` or `#`), so an `@` inside the password is hidden too; the user name is what
 * comes before the first `:`. URLs with nothing between them but punctuation, and URLs inside
 * another's path or query, are each redacted. With `query: true` every query value is hidden
 * as well.
 *
 * @example
 * ```ts
 * redactUrls("cannot scrape http://user:p@ss@10.0.0.1:9100/metrics?x=1: timeout");
 * // "cannot scrape http://user:***@10.0.0.1:9100/metrics?x=1: timeout"
 * redactUrls('cannot fetch "https://tok3n@h/sd.json?token=abc&x": 404', { query: true });
 * // 'cannot fetch "https://***@h/sd.json?token=***&x": 404'
 * ```
 */
export function redactUrls(text: string, opts: RedactUrlsOptions = {}): string {
  const query = opts.query ?? false;
  return text.replace(URL_IN_TEXT, (match) => {
    const end = urlEnd(match);
    const url = match.slice(0, end);
    const out = redactOne(url, query);
    return out === url ? match : out + match.slice(end);
  });
}

/** The length of the URL at the start of `s`, without the punctuation that follows it. */
function urlEnd(s: string): number {
  let end = s.length;
  let open = 0;
  let close = 0;
  for (let i = 0; i < end; i++) {
    if (s[i] === "(") open++;
    else if (s[i] === ")") close++;
  }
  while (end > 0) {
    const c = s[end - 1];
    if (TRAILING.includes(c)) {
      end--;
    } else if (c === ")" && close > open) { // `(see http://h/x)`: the `)` closes the text's `(`
      close--;
      end--;
    } else {
      break;
    }
  }
  return end;
}

/** Where a `scheme://` starts: each start inside a URL token begins a URL of its own. */
const SCHEME = /\b[a-z][a-z0-9+.-]*:\/\//gi;

/**
 * Redacts one URL token. A token may hold several URLs (`http://a,http://b`, or one in
 * another's query, `?target=http://u:p@h`): each has its own authority, which ends at the
 * next URL at the latest. A query runs to the `#` (or the end), over any URL inside it.
 */
function redactOne(url: string, query: boolean): string {
  const starts: number[] = [];
  for (const m of url.matchAll(SCHEME)) starts.push(m.index);
  let out = "";
  let pos = 0; // url[0, pos) is already in out
  for (let k = 0; k < starts.length; k++) {
    if (starts[k] < pos) continue; // inside a query already hidden
    const end = k + 1 < starts.length ? starts[k + 1] : url.length;
    const authStart = url.indexOf("//", starts[k]) + 2;
    const authEnd = firstOf(url, "/?#", authStart, end);
    const at = url.lastIndexOf("@", authEnd - 1); // Go splits the userinfo at the last '@'
    if (at >= authStart) {
      const colon = url.indexOf(":", authStart);
      const from = colon >= 0 && colon < at ? colon + 1 : authStart;
      out += url.slice(pos, from) + "***";
      pos = at;
    }
    if (!query) continue;
    const q = firstOf(url, "?#", authEnd, end);
    if (url[q] !== "?") continue;
    const qEnd = firstOf(url, "#", q, url.length);
    const params = url.slice(q + 1, qEnd).split("&");
    for (let i = 0; i < params.length; i++) {
      const eq = params[i].indexOf("=");
      if (eq >= 0) params[i] = params[i].slice(0, eq + 1) + "***";
    }
    out += url.slice(pos, q + 1) + params.join("&");
    pos = qEnd;
  }
  return out + url.slice(pos);
}

/** The index of the first of `chars` in `s[from, to)`, or `to`. */
function firstOf(s: string, chars: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    if (chars.includes(s[i])) return i;
  }
  return to;
}
