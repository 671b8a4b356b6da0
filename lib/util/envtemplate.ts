/**
 * `%{ENV_VAR}` placeholders, as current vmagent (lib/envtemplate at HEAD) expands them in
 * command-line flags, environment-flag values and config files (`-promscrape.config`,
 * `scrape_config_files`, `file_sd_configs` files, relabel config files).
 *
 * Rules (vmagent HEAD, v1.124.0+):
 * - a placeholder is `%{` followed by any text up to the next `}`; that text is the variable name,
 *   used exactly as written (no trimming, no syntax check);
 * - an unknown variable leaves the placeholder as is; an empty variable is substituted by "";
 * - `%{` with no closing `}` is left as is; the substituted text is not scanned again.
 *
 * Environment values may themselves reference other variables; vmagent resolves those first
 * ({@linkcode expandEnvVars}). Build the lookup for flags and config files with
 * {@linkcode resolvedEnvLookup} so that both see the same resolved values.
 *
 * @module
 */

/** Looks a variable up by name; `undefined` when it is not set. */
export type EnvLookup = (name: string) => string | undefined;

/**
 * Replaces every `%{NAME}` placeholder in `text` by `lookup(NAME)`; unknown names stay as is.
 *
 * @example
 * ```ts
 * const env: Record<string, string> = { HOST: "db", PORT: "5432" };
 * expandEnvTemplate("http://%{HOST}:%{PORT}/%{NOPE}", (n) => env[n]);
 * // "http://db:5432/%{NOPE}"
 * ```
 */
export function expandEnvTemplate(text: string, lookup: EnvLookup): string {
  let start = text.indexOf("%{");
  if (start < 0) return text;
  let out = "";
  let pos = 0;
  while (start >= 0) {
    const end = text.indexOf("}", start + 2);
    if (end < 0) break; // no closing brace: the rest is literal text
    const name = text.slice(start + 2, end);
    const value = lookup(name);
    out += text.slice(pos, start);
    out += value === undefined ? text.slice(start, end + 1) : value;
    pos = end + 1;
    start = text.indexOf("%{", pos);
  }
  return out + text.slice(pos);
}

/**
 * Resolves placeholders inside environment values that refer to other variables, as vmagent
 * does once at start-up: every round expands all values against the previous round's values,
 * until nothing changes or as many rounds as there are variables have run (so a cycle such as
 * `A=%{B}`, `B=%{A}` stops instead of looping).
 *
 * @example
 * ```ts
 * const env = expandEnvVars({ URL: "http://%{HOST}/", HOST: "db" });
 * env.get("URL"); // "http://db/"
 * ```
 */
export function expandEnvVars(
  env: Readonly<Record<string, string>> | ReadonlyMap<string, string>,
): Map<string, string> {
  let m = env instanceof Map ? new Map(env) : new Map(Object.entries(env));
  const rounds = m.size;
  for (let i = 0; i < rounds; i++) {
    const prev = m;
    const lookup: EnvLookup = (name) => prev.get(name);
    const next = new Map<string, string>();
    let changed = 0;
    for (const [name, value] of prev) {
      const expanded = expandEnvTemplate(value, lookup);
      if (expanded !== value) changed++;
      next.set(name, expanded);
    }
    m = next;
    if (changed === 0) break;
  }
  return m;
}

/** Environment variables: a lookup function, or all of them as a record or map. */
export type EnvSource = EnvLookup | Readonly<Record<string, string>> | ReadonlyMap<string, string>;

/**
 * Returns a lookup whose values have their own `%{VAR}` references resolved, like vmagent's
 * `envtemplate.LookupEnv`; use it for placeholders in flags and config files alike. Given all
 * variables (e.g. `Deno.env.toObject()`), resolution is exactly vmagent's
 * ({@linkcode expandEnvVars}); given a function, references are resolved recursively on demand and
 * a reference that leads back to itself is left unexpanded.
 *
 * @example
 * ```ts
 * const lookup = resolvedEnvLookup({ URL: "http://%{HOST}/", HOST: "db" });
 * expandEnvTemplate("url=%{URL}", lookup); // "url=http://db/"
 * ```
 */
export function resolvedEnvLookup(env: EnvSource): EnvLookup {
  if (typeof env !== "function") {
    const expanded = expandEnvVars(env instanceof Map ? env : new Map(Object.entries(env)));
    return (name) => expanded.get(name);
  }
  const memo = new Map<string, string | undefined>();
  const resolving = new Set<string>();
  const resolve: EnvLookup = (name) => {
    if (memo.has(name)) return memo.get(name);
    const raw = env(name);
    if (raw === undefined || !raw.includes("%{")) return raw;
    if (resolving.has(name)) return undefined; // a cycle: keep the placeholder
    resolving.add(name);
    const value = expandEnvTemplate(raw, resolve);
    resolving.delete(name);
    memo.set(name, value);
    return value;
  };
  return resolve;
}
