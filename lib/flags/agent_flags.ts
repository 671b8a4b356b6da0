/**
 * The agent's flags: vmagent's command line and environment parsed into one frozen, typed object.
 * Nothing else in the program reads `Deno.args` or `Deno.env`.
 *
 * @module
 */

import { FlagExit } from "./flag_error.ts";
import { type FlagEnv, ParsedFlags, parseFlags } from "./parse_flags.ts";
import { vmagentFlags, type VmagentFlagSpecs } from "./vmagent_flags.ts";

/**
 * The parsed vmagent flags. `get(name)` is typed per flag (`number` for
 * `promscrape.cluster.membersCount`, `readonly string[]` for `remoteWrite.url`, milliseconds for
 * durations, bytes for sizes); `getArg(name, i)` reads per-URL array flags; `isSet(name)`.
 */
export type AgentFlags = ParsedFlags<VmagentFlagSpecs>;

/** Options of {@linkcode parseAgentFlags}. */
export interface AgentFlagsOptions {
  /**
   * Environment variables: a lookup such as `(n) => Deno.env.get(n)`, or all of them (e.g.
   * `Deno.env.toObject()`, which resolves `%{VAR}` inside variable values exactly as vmagent).
   */
  env: FlagEnv;
  /** Available CPU cores; `-remoteWrite.queues` defaults to twice this. @default navigator.hardwareConcurrency */
  cpus?: number;
  /** Printed by `-version`. @default "vmagent-deno" */
  version?: string;
  /** Program name in the "Run … -help" hint. @default "vmagent-deno" */
  program?: string;
}

/**
 * The program description printed before the flag list of `-help` and before the
 * "Run … -help" hint of a flag error.
 *
 * @example
 * ```ts
 * formatHelp(vmagentFlags(cpus), { summary: AGENT_SUMMARY });
 * // "\nvmagent-deno scrapes Prometheus-compatible targets and sends the data to remote storage.\n..."
 * ```
 */
export const AGENT_SUMMARY = "\nvmagent-deno scrapes Prometheus-compatible targets and sends the " +
  "data to remote storage.\nIt accepts the flags, environment variables and endpoints of " +
  "VictoriaMetrics vmagent.\n\nSee https://docs.victoriametrics.com/victoriametrics/vmagent/ " +
  "for the meaning of each flag.\n\n";

/**
 * Parses the command line (without the program name) and the environment.
 *
 * Throws {@linkcode FlagExit} with exit code 0 for `-help` (help text) and `-version` (version
 * line), and `FlagError` (exit code 2 for Go flag syntax errors and unknown flags, 1 for
 * left-over arguments and bad environment values).
 *
 * @example
 * ```ts
 * const flags = parseAgentFlags(
 *   ["-remoteWrite.url=http://a/api/v1/write", "-promscrape.cluster.membersCount=3"],
 *   { env: (n) => Deno.env.get(n) },
 * );
 * flags.get("promscrape.cluster.membersCount"); // 3
 * flags.getArg("remoteWrite.sendTimeout", 0); // 60000
 * ```
 */
export function parseAgentFlags(argv: readonly string[], opts: AgentFlagsOptions): AgentFlags {
  const cpus = opts.cpus ?? Math.max(1, navigator.hardwareConcurrency || 1);
  const flags = parseFlags(vmagentFlags(cpus), argv, {
    env: opts.env,
    program: opts.program ?? "vmagent-deno",
    summary: AGENT_SUMMARY,
  });
  if (flags.get("version")) {
    const version = opts.version ?? "vmagent-deno";
    throw new FlagExit("version requested", 0, version + "\n", "stdout");
  }
  return flags;
}
