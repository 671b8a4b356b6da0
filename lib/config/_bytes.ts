/**
 * Byte sizes as vmagent's `flagutil.ParseBytes` reads them (`max_scrape_size: 16MiB`).
 *
 * @module
 */

const SUFFIXES: [string, number][] = [
  ["KiB", 1024],
  ["MiB", 1024 ** 2],
  ["GiB", 1024 ** 3],
  ["TiB", 1024 ** 4],
  ["KB", 1000],
  ["MB", 1000 ** 2],
  ["GB", 1000 ** 3],
  ["TB", 1000 ** 4],
];

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses `16MiB`, `1.5GB`, `1024` into bytes (truncated). Suffixes are case-insensitive
 * (`kib`, `mb`), as vmagent upper-cases the text before matching.
 *
 * @throws {RangeError} naming the text when it cannot be parsed.
 */
export function parseBytes(text: string): number {
  // vmagent: upper-case everything, then turn `I` back into `i` (so `mib` -> `MiB`).
  const s = text.toUpperCase().replaceAll("I", "i");
  let num = s;
  let mult = 1;
  for (const [suffix, m] of SUFFIXES) {
    if (s.endsWith(suffix)) {
      num = s.slice(0, s.length - suffix.length);
      mult = m;
      break;
    }
  }
  if (!NUMBER.test(num)) throw new RangeError(`cannot parse size ${JSON.stringify(text)}`);
  return Math.trunc(Number(num) * mult);
}
