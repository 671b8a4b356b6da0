/**
 * Access control of the HTTP server, as vmagent's `lib/httpserver`:
 * `-httpAuth.username`/`-httpAuth.password` (Basic auth) and the per-endpoint
 * `authKey` query arguments (`-metricsAuthKey`, `-flagsAuthKey`,
 * `-configAuthKey`, `-reloadAuthKey`), which replace Basic auth when set.
 *
 * @module
 */

import { httpError } from "./http_error.ts";
import { metrics as defaultRegistry, type MetricsRegistry } from "../metrics/registry.ts";

/** The access-control flags. Empty or absent values switch the check off. */
export interface AuthOptions {
  /** `-httpAuth.username`; Basic auth is on when non-empty. @default "" */
  username?: string;
  /** `-httpAuth.password`. @default "" */
  password?: string;
  /** `-metricsAuthKey` for `/metrics`. @default "" */
  metricsAuthKey?: string;
  /** `-flagsAuthKey` for `/flags`. @default "" */
  flagsAuthKey?: string;
  /** `-configAuthKey` for `/config`, `/api/v1/status/config` and the relabel config pages. @default "" */
  configAuthKey?: string;
  /** `-reloadAuthKey` for `/-/reload`. @default "" */
  reloadAuthKey?: string;
}

/** An auth key flag: its name (for messages) and value. */
export interface AuthKeyFlag {
  /** Flag name without the dash, e.g. `metricsAuthKey`. */
  name: string;
  /** The expected key; empty or absent means "fall back to Basic auth". */
  value?: string;
}

const FORM_TYPE = "application/x-www-form-urlencoded";

/**
 * Returns a form value as Go's `Request.FormValue`: from an urlencoded POST,
 * PUT or PATCH body first, then from the query string; "" when absent.
 * The body is read from a clone, so handlers can still read it.
 *
 * @example
 * ```ts
 * const req = new Request("http://localhost:8429/metrics?authKey=fromQuery", {
 *   method: "POST",
 *   headers: { "Content-Type": "application/x-www-form-urlencoded" },
 *   body: "authKey=fromBody",
 * });
 * await formValue(req, new URL(req.url), "authKey"); // "fromBody"
 * ```
 */
export async function formValue(req: Request, url: URL, name: string): Promise<string> {
  const m = req.method;
  if ((m === "POST" || m === "PUT" || m === "PATCH") && req.body !== null) {
    const type = req.headers.get("Content-Type") ?? "";
    if (type.split(";")[0].trim().toLowerCase() === FORM_TYPE) {
      try {
        const v = new URLSearchParams(await req.clone().text()).get(name);
        if (v !== null) return v;
      } catch {
        // An unreadable body has no form values.
      }
    }
  }
  return url.searchParams.get(name) ?? "";
}

/**
 * Decodes an `Authorization: Basic ...` header into user and password; undefined when it is
 * not one.
 *
 * @example
 * ```ts
 * parseBasicAuth("Basic " + btoa("admin:s3cret")); // { user: "admin", password: "s3cret" }
 * parseBasicAuth("Bearer abc"); // undefined
 * ```
 */
export function parseBasicAuth(
  header: string | null,
): { user: string; password: string } | undefined {
  if (header === null || header.length < 6 || header.slice(0, 6).toLowerCase() !== "basic ") {
    return undefined;
  }
  let text: string;
  try {
    const bin = atob(header.slice(6));
    text = new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
  const i = text.indexOf(":");
  if (i < 0) return undefined;
  return { user: text.slice(0, i), password: text.slice(i + 1) };
}

/**
 * Checks Basic auth; returns undefined when it passes (or is off), else the 401
 * response with `WWW-Authenticate: Basic realm="VictoriaMetrics"`.
 *
 * @example
 * ```ts
 * const denied = checkBasicAuth(req, { username: "admin", password: "s3cret" });
 * if (denied) return denied;
 * ```
 */
export function checkBasicAuth(
  req: Request,
  auth: AuthOptions,
  registry: MetricsRegistry = defaultRegistry,
): Response | undefined {
  if (!auth.username) return undefined;
  const creds = parseBasicAuth(req.headers.get("Authorization"));
  if (creds !== undefined) {
    if (creds.user === auth.username && creds.password === (auth.password ?? "")) return undefined;
    registry.counter('vm_http_request_errors_total{path="*", reason="wrong_basic_auth"}').inc();
  }
  return httpError(401, "", { "WWW-Authenticate": 'Basic realm="VictoriaMetrics"' });
}

/**
 * Checks an `authKey` flag: when the key is set, the `authKey` form value must
 * equal it (401 otherwise); when it is not set, Basic auth applies.
 * Returns undefined when access is granted, else the error response.
 *
 * @example
 * ```ts
 * const url = new URL("http://localhost:8429/metrics");
 * const key = { name: "metricsAuthKey", value: "k" };
 * const denied = await checkAuthKey(new Request(url), url, key, { auth: {} });
 * // 401 "Expected to receive non-empty authKey when -metricsAuthKey is set\n"
 * ```
 */
export async function checkAuthKey(
  req: Request,
  url: URL,
  key: AuthKeyFlag,
  opts: { auth: AuthOptions; registry?: MetricsRegistry },
): Promise<Response | undefined> {
  const registry = opts.registry ?? defaultRegistry;
  if (!key.value) return checkBasicAuth(req, opts.auth, registry);
  const got = await formValue(req, url, "authKey");
  if (got === key.value) return undefined;
  registry.counter('vm_http_request_errors_total{path="*", reason="wrong_auth_key"}').inc();
  const msg = got === ""
    ? `Expected to receive non-empty authKey when -${key.name} is set`
    : `The provided authKey doesn't match -${key.name}`;
  return httpError(401, msg);
}

/**
 * True for paths that check their own auth key (so the general Basic auth
 * check is skipped for them): those ending in `/config` or `/reload`, as vmagent.
 *
 * @example
 * ```ts
 * isProtectedByAuthKey("/api/v1/status/config"); // true
 * isProtectedByAuthKey("/-/reload"); // true
 * isProtectedByAuthKey("/targets"); // false
 * ```
 */
export function isProtectedByAuthKey(path: string): boolean {
  return path.endsWith("/config") || path.endsWith("/reload");
}
