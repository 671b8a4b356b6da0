/**
 * Go parsing rules for the target labels vmagent reads back after relabeling
 * (`strconv.Atoi`, `strconv.ParseBool`, `flagutil.ParseBytes`). Private to lib/targets.
 *
 * @module
 */

/** `strconv.Atoi`: optional sign and decimal digits only, within int64. Throws Go's message. */
export function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) {
    throw new Error(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  }
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) {
    throw new Error(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  }
  return Number(n);
}

const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** `strconv.ParseBool`. Throws Go's message. */
export function parseBool(s: string): boolean {
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  throw new Error(`strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`);
}

const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SUFFIXES: [string, number][] = [
  ["KB", 1e3],
  ["MB", 1e6],
  ["GB", 1e9],
  ["TB", 1e12],
  ["KiB", 1024],
  ["MiB", 1024 ** 2],
  ["GiB", 1024 ** 3],
  ["TiB", 1024 ** 4],
];

/** `flagutil.ParseBytes`: a decimal number with an optional KB/MB/GB/TB/KiB/MiB/GiB/TiB suffix (any case). */
export function parseBytes(text: string): number {
  const s = text.toUpperCase().replaceAll("I", "i");
  let num = s;
  let mul = 1;
  for (const [suffix, m] of SUFFIXES) {
    if (s.endsWith(suffix)) {
      num = s.slice(0, -suffix.length);
      mul = m;
      break;
    }
  }
  if (!FLOAT.test(num)) {
    throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(num)}: invalid syntax`);
  }
  return Math.trunc(Number(num) * mul);
}
