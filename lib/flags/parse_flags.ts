/**
 * The command line and environment, applied to a table of flags with the rules of Go's `flag`
 * package and vmagent's `lib/envflag` at HEAD:
 *
 * 1. every argument has its `%{ENV_VAR}` placeholders expanded; arguments that become empty are
 *    dropped;
 * 2. Go flag syntax: `-name=value`, `-name value`, `--name…` alike; a boolean flag alone means
 *    true and takes its value only after `=` (`-x false` leaves `false` as an argument); `--`
 *    or the first non-flag argument ends the flags; `-h`/`-help` print help;
 * 3. any argument left over is an error (vmagent refuses to start);
 * 4. with `-envflag.enable` on the command line, each flag not set there is read from the
 *    variable `<-envflag.prefix><name with . replaced by _>`, if that variable exists (even
 *    empty). A command-line flag hides the variable entirely, arrays included.
 *
 * @module
 */

import { type EnvSource, expandEnvTemplate, resolvedEnvLookup } from "../util/envtemplate.ts";
import type { ArrayFlagName, FlagItem, FlagSpecs, FlagValue, FlagValues } from "./flag_spec.ts";
import { FlagError, FlagExit } from "./flag_error.ts";
import { FlagValueState } from "./flag_value.ts";
import { goQuote } from "../util/go_strconv.ts";
import { formatHelp, sortedNames } from "./help.ts";
import { isSecretFlag } from "./secret.ts";
import { suggestFlag } from "./suggest.ts";

/** The environment: a lookup function, or all variables (which allows exact vmagent expansion). */
export type FlagEnv = EnvSource;

/** Options of {@linkcode parseFlags}. */
export interface ParseFlagsOptions {
  /**
   * Environment variables, for `%{VAR}` placeholders and `-envflag.enable`. Given as a map (e.g.
   * `Deno.env.toObject()`) placeholders inside variable values are resolved exactly as vmagent
   * does; given as a function, they are resolved recursively with cycles left unexpanded.
   * @default no variables
   */
  env?: FlagEnv;
  /** Program name for the "Run … -help" hint. @default "vmagent" */
  program?: string;
  /** Text printed before the flag list and before the hint. @default "" */
  summary?: string;
}

/**
 * The result of {@linkcode parseFlags}: typed, read-only values of every flag in the table.
 *
 * @example
 * ```ts
 * const specs = { "remoteWrite.url": stringArrayFlag("Where to send data"), n: intFlag(1, "N") };
 * const flags = parseFlags(specs, ["-remoteWrite.url=http://a,http://b"]);
 * flags.get("n"); // 1
 * flags.isSet("remoteWrite.url"); // true
 * flags.text("remoteWrite.url"); // "http://a,http://b"
 * flags.names(); // ["n", "remoteWrite.url"]
 * ```
 */
export class ParsedFlags<T extends FlagSpecs> {
  /** The flag table. */
  readonly specs: T;
  /** Every flag value by name; arrays are frozen. */
  readonly values: FlagValues<T>;
  #states: ReadonlyMap<string, FlagValueState>;

  constructor(specs: T, states: ReadonlyMap<string, FlagValueState>) {
    this.specs = specs;
    this.#states = states;
    const values: Record<string, unknown> = {};
    for (const [name, st] of states) values[name] = st.value();
    this.values = Object.freeze(values) as FlagValues<T>;
    Object.freeze(this);
  }

  /**
   * The value of a flag.
   *
   * @example
   * ```ts
   * flags.get("promscrape.cluster.membersCount"); // number
   * ```
   */
  get<N extends keyof T & string>(name: N): FlagValue<T[N]> {
    return this.values[name];
  }

  /** Whether the command line or an environment variable set the flag. */
  isSet(name: keyof T & string): boolean {
    return this.#state(name).isSet;
  }

  /**
   * Item `index` of an array flag, vmagent's `GetOptionalArg`: the item at `index` if there is
   * one; else the only item if exactly one was given (it applies to every URL); else the flag's
   * item default.
   *
   * @example
   * ```ts
   * // -remoteWrite.url=a -remoteWrite.url=b -remoteWrite.sendTimeout=10s
   * flags.getArg("remoteWrite.sendTimeout", 1); // 10000 (the one value applies to all)
   * ```
   */
  getArg<N extends ArrayFlagName<T> & string>(name: N, index: number): FlagItem<T[N]> {
    const items = this.values[name] as readonly FlagItem<T[N]>[];
    if (index < items.length) return items[index];
    if (items.length === 1) return items[0];
    return this.specs[name].default as FlagItem<T[N]>;
  }

  /** The value as vmagent prints it (Go `Value.String()`), before any masking. */
  text(name: keyof T & string): string {
    return this.#state(name).text();
  }

  /** All flag names in Go's order (sorted by bytes). */
  names(): (keyof T & string)[] {
    return sortedNames(this.specs) as (keyof T & string)[];
  }

  #state(name: string): FlagValueState {
    const st = this.#states.get(name);
    if (st === undefined) throw new RangeError(`unknown flag ${goQuote(name)}`);
    return st;
  }
}

/**
 * Parses `argv` (without the program name) and the environment against a flag table.
 * Throws {@linkcode FlagExit} for `-help` and {@linkcode FlagError} for bad input.
 *
 * @example
 * ```ts
 * const specs = { "remoteWrite.url": stringArrayFlag("Where to send data") };
 * const flags = parseFlags(specs, ["-remoteWrite.url=http://a,http://b"]);
 * flags.get("remoteWrite.url"); // ["http://a", "http://b"]
 * ```
 */
export function parseFlags<T extends FlagSpecs>(
  specs: T,
  argv: readonly string[],
  opts: ParseFlagsOptions = {},
): ParsedFlags<T> {
  const states = new Map<string, FlagValueState>();
  for (const name of sortedNames(specs)) states.set(name, new FlagValueState(specs[name]));
  const env = resolvedEnvLookup(opts.env ?? {});
  const summary = opts.summary ?? "";
  const usage = () =>
    hasHelpArg(argv)
      ? formatHelp(specs, { summary })
      : `${summary}Run "${opts.program ?? "vmagent"} -help" in order to see the description ` +
        "for all the available flags\n";
  const fail = (message: string, flag?: string): FlagError =>
    new FlagError(message, {
      exitCode: 2,
      output: `${message}\n${usage()}`,
      stream: "stdout",
      flag,
    });

  const args: string[] = [];
  for (const arg of argv) {
    const expanded = expandEnvTemplate(arg, env);
    if (expanded !== "") args.push(expanded);
  }

  let i = 0;
  while (i < args.length) {
    const s = args[i];
    if (s.length < 2 || s[0] !== "-") break;
    let nameStart = 1;
    if (s[1] === "-") {
      if (s.length === 2) {
        i++; // "--" ends the flags
        break;
      }
      nameStart = 2;
    }
    let name = s.slice(nameStart);
    if (name === "" || name[0] === "-" || name[0] === "=") throw fail(`bad flag syntax: ${s}`);
    i++;
    let value: string | undefined;
    const eq = name.indexOf("=", 1);
    if (eq > 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const st = states.get(name);
    if (st === undefined) {
      if (name === "help" || name === "h") {
        throw new FlagExit("help requested", 0, usage(), "stdout");
      }
      const near = suggestFlag(name, states.keys());
      const hint = near === undefined ? "" : `; did you mean -${near}?`;
      throw fail(`flag provided but not defined: -${name}${hint}`, name);
    }
    if (st.isBool) {
      try {
        st.set(value ?? "true");
      } catch (err) {
        throw fail(
          `invalid boolean value ${goQuote(value ?? "")} for -${name}: ${errText(err)}`,
          name,
        );
      }
      continue;
    }
    if (value === undefined) {
      if (i >= args.length) throw fail(`flag needs an argument: -${name}`, name);
      value = args[i++];
    }
    try {
      st.set(value);
    } catch (err) {
      const shown = isSecretFlag(name) ? "secret" : value;
      throw fail(`invalid value ${goQuote(shown)} for flag -${name}: ${errText(err)}`, name);
    }
  }

  if (i < args.length) {
    const left = args.slice(i);
    const message = `unprocessed command-line args left: [${left.join(" ")}]; the most likely ` +
      "reason is missing `=` between boolean flag name and value; see " +
      "https://pkg.go.dev/flag#hdr-Command_line_flag_syntax";
    throw new FlagError(message, { exitCode: 1, output: message + "\n", stream: "stderr" });
  }

  const enable = states.get("envflag.enable");
  if (enable !== undefined && enable.value() === true) {
    const prefix = String(states.get("envflag.prefix")?.value() ?? "");
    for (const [name, st] of states) {
      // -envflag.enable and -envflag.prefix are read from the command line only.
      if (st.isSet || name === "envflag.enable" || name === "envflag.prefix") continue;
      const envVar = prefix + name.replaceAll(".", "_");
      const v = env(envVar);
      if (v === undefined) continue;
      try {
        st.set(v);
      } catch (err) {
        const shown = isSecretFlag(name) ? "secret" : v;
        const message =
          `cannot set flag ${name} to ${goQuote(shown)}, which is read from env var ` +
          `${goQuote(envVar)}: ${errText(err)}`;
        throw new FlagError(message, {
          exitCode: 1,
          output: message + "\n",
          stream: "stderr",
          flag: name,
          envVar,
        });
      }
    }
  }
  return new ParsedFlags(specs, states);
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** vmagent prints the flag list only when the raw arguments hold `-h`, `-help`, `--h`, `--help`. */
function hasHelpArg(argv: readonly string[]): boolean {
  return argv.some((a) => a === "-h" || a === "-help" || a === "--h" || a === "--help");
}
