/**
 * xxHash64 (seed 0), the hash vmagent uses for cluster sharding, `hashmod`,
 * scrape offsets and queue folder names. Backed by `hash-wasm`; the WebAssembly
 * module is instantiated once by {@linkcode initXXHash64}, after which hashing is
 * synchronous so that pure stages (cluster, relabel) can call it.
 *
 * @module
 */
import { createXXHash64, type IHasher } from "hash-wasm";

let hasher: IHasher | undefined;
const encoder = new TextEncoder();

/**
 * Loads the WebAssembly hasher. Call once at start-up (and in tests) before
 * {@linkcode xxhash64}. Calling it again is a no-op.
 *
 * @example
 * ```ts
 * await initXXHash64();
 * xxhash64("abc"); // 0x44bc2cf5ad770999n
 * ```
 */
export async function initXXHash64(): Promise<void> {
  if (hasher === undefined) hasher = await createXXHash64(0, 0);
}

/**
 * Returns xxHash64 with seed 0 of the UTF-8 bytes of `data` as an unsigned 64-bit bigint.
 * Throws when {@linkcode initXXHash64} has not been awaited.
 *
 * @example
 * ```ts
 * await initXXHash64();
 * xxhash64("abc"); // 0x44bc2cf5ad770999n
 * xxhash64(new TextEncoder().encode("abc")); // the same
 * ```
 */
export function xxhash64(data: string | Uint8Array): bigint {
  const h = hasher;
  if (h === undefined) throw new Error("xxhash64: initXXHash64() was not awaited");
  h.init();
  h.update(typeof data === "string" ? encoder.encode(data) : data);
  const b = h.digest("binary");
  const hi = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  const lo = ((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * Returns xxHash64 of `data` as 16 upper-case hex digits (vmagent's queue folder suffix).
 *
 * @example
 * ```ts
 * await initXXHash64();
 * xxhash64Hex("abc"); // "44BC2CF5AD770999"
 * ```
 */
export function xxhash64Hex(data: string | Uint8Array): string {
  return xxhash64(data).toString(16).toUpperCase().padStart(16, "0");
}

/**
 * Returns `xxhash64(data) / 2^64` as a float in [0, 1), as Go's `float64(h) / (1 << 64)`.
 *
 * @example
 * ```ts
 * await initXXHash64();
 * xxhash64Fraction("abc"); // 0.2684963321493933
 * ```
 */
export function xxhash64Fraction(data: string | Uint8Array): number {
  return Number(xxhash64(data)) / 18446744073709551616;
}
