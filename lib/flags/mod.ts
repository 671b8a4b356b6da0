/**
 * Flags: Go `flag` syntax, vmagent's array flags, `-envflag.*`, `%{ENV}` placeholders, `-help`,
 * `-version`, and the `/flags` page. Start with {@linkcode parseAgentFlags}.
 *
 * @module
 */

export {
  AGENT_SUMMARY,
  type AgentFlags,
  type AgentFlagsOptions,
  parseAgentFlags,
} from "./agent_flags.ts";
export {
  describeFlags,
  type FlagDescription,
  formatFlagMetrics,
  formatFlagsPage,
  registeredSecretFlags,
} from "./describe_flags.ts";
export { FlagError, FlagExit, type OutputStream } from "./flag_error.ts";
export * from "./flag_spec.ts";
export { formatHelp } from "./help.ts";
export { type FlagEnv, ParsedFlags, parseFlags, type ParseFlagsOptions } from "./parse_flags.ts";
export { isSecretFlag, SECRET_TEXT } from "./secret.ts";
export { type VmagentFlagName, vmagentFlags, type VmagentFlagSpecs } from "./vmagent_flags.ts";
