/**
 * Which flags vmagent hides (prints as `secret`) on `/flags`, in the `flag` metric and in the
 * start-up log: lib/flagutil `IsSecretFlag` at HEAD. A flag is secret when its lower-cased name
 * contains `pass`, `key`, `secret` or `token`, or when it was registered as secret
 * (case-insensitively): vmagent registers `-remoteWrite.url` (unless `-remoteWrite.showURL`),
 * `-remoteWrite.proxyURL`, `-remoteWrite.headers` and every name listed in `-secret.flags`.
 *
 * @module
 */

/**
 * The value shown in place of a secret flag's value.
 *
 * @example
 * ```ts
 * const shown = isSecretFlag(name, secrets) ? SECRET_TEXT : flags.text(name); // "secret" for secrets
 * ```
 */
export const SECRET_TEXT = "secret";

/**
 * Reports whether a flag's value must be hidden.
 *
 * @example
 * ```ts
 * isSecretFlag("remoteWrite.basicAuth.password"); // true
 * isSecretFlag("remoteWrite.url", new Set(["remotewrite.url"])); // true
 * ```
 */
export function isSecretFlag(name: string, registered?: ReadonlySet<string>): boolean {
  const lname = name.toLowerCase();
  if (
    lname.includes("pass") || lname.includes("key") || lname.includes("secret") ||
    lname.includes("token")
  ) {
    return true;
  }
  return registered?.has(lname) ?? false;
}
