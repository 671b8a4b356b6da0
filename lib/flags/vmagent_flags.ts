/**
 * The table of every vmagent HEAD flag this agent implements, merged from the per-subsystem files.
 * Names, types and defaults are vmagent's; adding a flag is one entry in one of those files.
 *
 * @module
 */

import { PROMSCRAPE_FLAGS } from "./vmagent_flags_promscrape.ts";
import { REMOTE_WRITE_FLAGS, remoteWriteQueuesFlag } from "./vmagent_flags_remotewrite.ts";
import { SERVER_FLAGS } from "./vmagent_flags_server.ts";

/** The vmagent flag table type: flag name -> spec. */
export type VmagentFlagSpecs =
  & typeof SERVER_FLAGS
  & typeof PROMSCRAPE_FLAGS
  & typeof REMOTE_WRITE_FLAGS;

/** Every flag name of the vmagent table. */
export type VmagentFlagName = keyof VmagentFlagSpecs & string;

/**
 * Builds the vmagent flag table for a machine with `cpus` available cores (the default of
 * `-remoteWrite.queues` is 2 × cpus).
 *
 * @example
 * ```ts
 * vmagentFlags(2)["remoteWrite.queues"].default; // 4
 * ```
 */
export function vmagentFlags(cpus: number): VmagentFlagSpecs {
  if (!Number.isInteger(cpus) || cpus < 1) {
    throw new RangeError(`cpus must be a positive integer, got ${cpus}`);
  }
  return Object.freeze({
    ...SERVER_FLAGS,
    ...PROMSCRAPE_FLAGS,
    ...REMOTE_WRITE_FLAGS,
    "remoteWrite.queues": remoteWriteQueuesFlag(cpus),
  });
}
