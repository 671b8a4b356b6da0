/**
 * Flags as vmagent shows them: the `/flags` page (explicitly set flags, `-name="value"` lines),
 * the `flag{name,value,is_set}` metric (every flag) and the start-up log, each with secret values
 * replaced by `secret`.
 *
 * @module
 */

import type { FlagSpecs } from "./flag_spec.ts";
import { goQuote } from "../util/go_strconv.ts";
import type { ParsedFlags } from "./parse_flags.ts";
import { isSecretFlag, SECRET_TEXT } from "./secret.ts";

/** One flag as shown on `/flags` and in the `flag` metric. */
export interface FlagDescription {
  /** Flag name without the dash. */
  name: string;
  /** The value as vmagent prints it (Go `String()`), or `secret`. */
  value: string;
  /** Whether the command line or the environment set it. */
  isSet: boolean;
}

/**
 * The flags vmagent registers as secret at start-up (lower case): `-remoteWrite.url` unless
 * `-remoteWrite.showURL`, `-remoteWrite.proxyURL`, `-remoteWrite.headers`, and the names in
 * `-secret.flags`. Only names present in the table are considered.
 *
 * @example
 * ```ts
 * registeredSecretFlags(parseAgentFlags(["-secret.flags=myFlag"], { env: () => undefined }));
 * // Set { "remotewrite.url", "remotewrite.proxyurl", "remotewrite.headers", "myflag" }
 * ```
 */
export function registeredSecretFlags<T extends FlagSpecs>(flags: ParsedFlags<T>): Set<string> {
  const specs: FlagSpecs = flags.specs;
  const values = flags.values as Readonly<Record<string, unknown>>;
  const out = new Set<string>();
  if ("remoteWrite.url" in specs && values["remoteWrite.showURL"] !== true) {
    out.add("remotewrite.url");
  }
  if ("remoteWrite.proxyURL" in specs) out.add("remotewrite.proxyurl");
  if ("remoteWrite.headers" in specs) out.add("remotewrite.headers");
  const extra = values["secret.flags"];
  if (Array.isArray(extra)) { for (const n of extra) out.add(String(n).toLowerCase()); }
  return out;
}

/**
 * Every flag, sorted by name, with its printed value (secrets masked) and whether it was set.
 *
 * @example
 * ```ts
 * const flags = parseAgentFlags(["-httpAuth.password=x"], { env: () => undefined });
 * describeFlags(flags).find((d) => d.name === "httpAuth.password");
 * // { name: "httpAuth.password", value: "secret", isSet: true }
 * ```
 */
export function describeFlags<T extends FlagSpecs>(flags: ParsedFlags<T>): FlagDescription[] {
  const secrets = registeredSecretFlags(flags);
  return flags.names().map((name) => ({
    name,
    value: isSecretFlag(name, secrets) ? SECRET_TEXT : flags.text(name),
    isSet: flags.isSet(name),
  }));
}

/**
 * The body of vmagent's `/flags` page: one `-name="value"` line (Go-quoted) per flag set on the
 * command line or from the environment, sorted by name, secrets masked.
 *
 * @example
 * ```ts
 * formatFlagsPage(parseAgentFlags(["-loggerLevel=WARN"], { env: () => undefined }));
 * // '-loggerLevel="WARN"\n'
 * ```
 */
export function formatFlagsPage<T extends FlagSpecs>(flags: ParsedFlags<T>): string {
  let out = "";
  for (const d of describeFlags(flags)) {
    if (d.isSet) out += `-${d.name}=${goQuote(d.value)}\n`;
  }
  return out;
}

/**
 * vmagent's `flag` metric lines for `/metrics`, one per flag, sorted by name, secrets masked:
 * `flag{name="loggerLevel", value="INFO", is_set="false"} 1`.
 *
 * @example
 * ```ts
 * formatFlagMetrics(parseAgentFlags(["-remoteWrite.url=http://a"], { env: () => undefined }));
 * // one line per flag, among them:
 * // flag{name="loggerLevel", value="INFO", is_set="false"} 1
 * // flag{name="remoteWrite.url", value="secret", is_set="true"} 1
 * ```
 */
export function formatFlagMetrics<T extends FlagSpecs>(flags: ParsedFlags<T>): string {
  let out = "";
  for (const d of describeFlags(flags)) {
    out += `flag{name=${goQuote(d.name)}, value=${goQuote(d.value)}, is_set="${d.isSet}"} 1\n`;
  }
  return out;
}
