/**
 * Facts about the machine the agent runs on, with the fallbacks vmagent uses when they
 * cannot be read.
 *
 * @module
 */

/** This host's name (for `X-Server-Hostname`); "unknown" when it cannot be read, as vmagent. */
export function systemHostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/** Total system memory in bytes; 1 GiB when it cannot be read. */
export function systemMemory(): number {
  try {
    return Deno.systemMemoryInfo().total;
  } catch {
    return 1 << 30;
  }
}
