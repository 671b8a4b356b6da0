/**
 * "Did you mean" for unknown flags: the known name nearest by edit distance. Go's flag package
 * gives no hint; this is our addition to its message.
 *
 * @module
 */

/**
 * Edit distance between `a` and `b` counting insertions, deletions, substitutions and swaps of
 * two adjacent characters as one edit each (optimal string alignment), so `ulr` is one edit from
 * `url`.
 *
 * @example
 * ```ts
 * editDistance("ulr", "url"); // 1
 * editDistance("kitten", "sitting"); // 3
 * ```
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    const prev = rows[i - 1];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        cur[j] = Math.min(cur[j], rows[i - 2][j - 2] + 1);
      }
    }
    rows.push(cur);
  }
  return rows[a.length][b.length];
}

/**
 * Returns the known flag nearest to `name`, ignoring letter case, or `undefined` when none is
 * close: at most 2 edits, or a third of the name's length for long names.
 *
 * @example
 * ```ts
 * suggestFlag("remoteWrite.ulr", ["remoteWrite.url", "httpListenAddr"]); // "remoteWrite.url"
 * ```
 */
export function suggestFlag(name: string, known: Iterable<string>): string | undefined {
  const lname = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDist = Infinity;
  for (const k of known) {
    const d = editDistance(lname, k.toLowerCase());
    if (d < bestDist || (d === bestDist && best !== undefined && k < best)) {
      best = k;
      bestDist = d;
    }
  }
  return bestDist <= limit ? best : undefined;
}
