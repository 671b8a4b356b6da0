/**
 * Error text with its causes. Deno's `fetch` throws `TypeError: fetch failed` and keeps
 * what went wrong (refused, TLS, DNS) in `cause`, so the top-level message alone says
 * nothing useful.
 *
 * @module
 */

/**
 * Joins the messages of `e` and of its causes (at most five deep) with `: `, leaving out a
 * message that an earlier one already contains.
 *
 * @example
 * ```ts
 * const e = new TypeError("fetch failed", { cause: new Error("invalid peer certificate") });
 * errorChainText(e); // "fetch failed: invalid peer certificate"
 * ```
 */
export function errorChainText(e: unknown): string {
  const parts: string[] = [];
  let x: unknown = e;
  for (let depth = 0; depth < 5 && x !== undefined && x !== null; depth++) {
    const msg = x instanceof Error ? x.message : String(x);
    if (msg !== "" && !parts.some((p) => p.includes(msg))) parts.push(msg);
    x = x instanceof Error ? x.cause : undefined;
  }
  return parts.join(": ");
}
