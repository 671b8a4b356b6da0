/**
 * HTTP client options shared by scrape configs and SD configs: vmagent's
 * `promauth.HTTPClientConfig` (inline), `ProxyClientConfig` (`proxy_*`, inline),
 * `TLSConfig`, `OAuth2Config`, `BasicAuthConfig` and `Authorization`, with the same
 * checks `promauth.Options.NewConfig` makes at config load.
 *
 * @module
 */
import type {
  Authorization,
  BasicAuth,
  HTTPClientConfig,
  OAuth2Config,
  ProxyClientConfig,
  TLSConfig,
} from "./types.ts";
import type { MapReader } from "./_map_reader.ts";
import { SecretValue } from "./_yaml_file.ts";
import { resolvePath } from "./_path.ts";

/**
 * YAML field names of vmagent's inline `promauth.HTTPClientConfig`, for the known-field
 * lists of configs that embed it.
 *
 * @example
 * ```ts
 * const FIELDS = ["api_server", "role", ...HTTP_CLIENT_FIELDS, "proxy_url"] as const;
 * ```
 */
export const HTTP_CLIENT_FIELDS = [
  "authorization",
  "basic_auth",
  "bearer_token",
  "bearer_token_file",
  "oauth2",
  "tls_config",
  "headers",
  "follow_redirects",
] as const;

/**
 * YAML field names of vmagent's inline `promauth.ProxyClientConfig` (`proxy_*`), for
 * known-field lists and to tell whether a job configures proxy auth.
 *
 * @example
 * ```ts
 * const hasProxyAuth = PROXY_CLIENT_FIELDS.some((f) => r.has(f)); // any `proxy_*` field set
 * ```
 */
export const PROXY_CLIENT_FIELDS = [
  "proxy_authorization",
  "proxy_basic_auth",
  "proxy_bearer_token",
  "proxy_bearer_token_file",
  "proxy_oauth2",
  "proxy_tls_config",
  "proxy_headers",
] as const;

const TLS_FIELDS = [
  "ca",
  "ca_file",
  "cert",
  "cert_file",
  "key",
  "key_file",
  "server_name",
  "insecure_skip_verify",
  "min_version",
] as const;
const OAUTH2_FIELDS = [
  "client_id",
  "client_secret",
  "client_secret_file",
  "scopes",
  "token_url",
  "endpoint_params",
  "tls_config",
  "proxy_url",
  "headers",
] as const;
const BASIC_AUTH_FIELDS = ["username", "username_file", "password", "password_file"] as const;
const AUTHORIZATION_FIELDS = ["type", "credentials", "credentials_file"] as const;
const TLS_VERSIONS = ["TLS10", "TLS11", "TLS12", "TLS13"];
const PROXY_SCHEMES = ["http", "https", "socks5", "tls+socks5"];
const TOKEN_CHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Capitalizes a header name as Go's `http.CanonicalHeaderKey` does; names with
 * characters not allowed in a header name stay as they are.
 *
 * @example
 * ```ts
 * canonicalHeaderKey("x-api-key"); // "X-Api-Key"
 * canonicalHeaderKey("X-SCOPE-orgid"); // "X-Scope-Orgid"
 * canonicalHeaderKey("bad key"); // "bad key"
 * ```
 */
export function canonicalHeaderKey(name: string): string {
  if (!TOKEN_CHARS.test(name)) return name;
  let out = "";
  let upper = true;
  for (const c of name) {
    out += upper ? c.toUpperCase() : c.toLowerCase();
    upper = c === "-";
  }
  return out;
}

const SECRET_HEADER = /auth|token|key|secret|password|cookie/i;

/** Reads a `headers` list of `Name: value` strings. */
function readHeaders(r: MapReader, key: string): [string, string][] {
  const list = r.stringList(key);
  if (list === undefined) return [];
  const out: [string, string][] = [];
  list.forEach((h, i) => {
    const n = h.indexOf(":");
    if (n < 0) {
      throw r.y.error(
        r.list(key)[i].node ?? r.node(key),
        [...r.path, key, i],
        `cannot parse headers: missing ':' in header ${
          JSON.stringify(h)
        }; expecting "key: value" format`,
      );
    }
    out.push([canonicalHeaderKey(h.slice(0, n).trim()), h.slice(n + 1).trim()]);
  });
  // Header values that look like credentials are masked on /config.
  r.put(key, out.map(([k, v]) => SECRET_HEADER.test(k) ? `${k}: <secret>` : `${k}: ${v}`));
  return out;
}

/** Masks the password of `scheme://user:pass@host` for /config. */
function maskURL(u: string): string | SecretValue {
  const m = /^([^:/]+:\/\/[^/@:]*:)[^/@]*@/.exec(u);
  return m === null ? u : new SecretValue(u, m[1] + "<secret>@" + u.slice(m[0].length));
}

function readTLS(r: MapReader, key: string, baseDir: string): TLSConfig | undefined {
  const t = r.map(key, TLS_FIELDS);
  if (t === undefined) return undefined;
  const tls: TLSConfig = { insecureSkipVerify: false };
  const file = (k: string) => {
    const v = t.string(k);
    return v === undefined || v === "" ? undefined : resolvePath(baseDir, v);
  };
  tls.ca = t.string("ca") || undefined;
  tls.caFile = file("ca_file");
  tls.cert = t.string("cert") || undefined;
  tls.certFile = file("cert_file");
  tls.key = t.string("key", { secret: true }) || undefined;
  tls.keyFile = file("key_file");
  tls.serverName = t.string("server_name") || undefined;
  tls.insecureSkipVerify = t.bool("insecure_skip_verify") ?? false;
  const minVersion = t.string("min_version");
  if (tls.cert !== undefined || tls.key !== undefined) {
    let bad: [string, string] | undefined;
    if (tls.cert === undefined) bad = ["key", "missing `cert`"];
    else if (tls.key === undefined) bad = ["cert", "missing `key`"];
    else if (!tls.cert.includes("-----BEGIN")) bad = ["cert", "no PEM data in `cert`"];
    else if (!tls.key.includes("-----BEGIN")) bad = ["key", "no PEM data in `key`"];
    if (bad !== undefined) {
      throw t.fail(
        bad[0],
        `cannot initialize tls: cannot load TLS certificate from the provided \`cert\` and \`key\` values: ${
          bad[1]
        }`,
      );
    }
  } else if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    throw t.fail(
      tls.certFile === undefined ? "key_file" : "cert_file",
      "cannot initialize tls: `cert_file` and `key_file` must be set together",
    );
  }
  if (tls.ca !== undefined && !tls.ca.includes("-----BEGIN CERTIFICATE-----")) {
    throw t.fail("ca", "cannot initialize tls: cannot parse data from `ca` value");
  }
  if (minVersion !== undefined && minVersion !== "") {
    const v = minVersion.toUpperCase();
    if (!TLS_VERSIONS.includes(v)) {
      throw t.fail(
        "min_version",
        `cannot initialize tls: cannot parse \`min_version\`: unsupported TLS version ${
          JSON.stringify(minVersion)
        }`,
      );
    }
    tls.minVersion = v;
  }
  for (const k of Object.keys(tls) as (keyof TLSConfig)[]) if (tls[k] === undefined) delete tls[k];
  r.put(key, t.output());
  return tls;
}

function readBasicAuth(r: MapReader, key: string, baseDir: string): BasicAuth | undefined {
  const b = r.map(key, BASIC_AUTH_FIELDS);
  if (b === undefined) return undefined;
  const username = b.string("username") ?? "";
  const usernameFile = b.string("username_file") ?? "";
  const password = b.string("password", { secret: true }) ?? "";
  const passwordFile = b.string("password_file") ?? "";
  r.put(key, b.output());
  if (username === "" && usernameFile === "" && password === "" && passwordFile === "") {
    throw r.fail(
      key,
      `missing \`username\`, \`username_file\`, \`password\` and \`password_file\` in \`${key}\` section; please specify at least one`,
    );
  }
  if (username !== "" && usernameFile !== "") {
    throw b.fail(
      "username_file",
      `both \`username\` and \`username_file\` are set in \`${key}\` section; please specify only one`,
    );
  }
  if (password !== "" && passwordFile !== "") {
    throw b.fail(
      "password_file",
      `both \`password\` and \`password_file\` are set in \`${key}\` section; please specify only one`,
    );
  }
  const ba: BasicAuth = { username };
  if (usernameFile !== "") ba.usernameFile = resolvePath(baseDir, usernameFile);
  if (password !== "") ba.password = password;
  if (passwordFile !== "") ba.passwordFile = resolvePath(baseDir, passwordFile);
  return ba;
}

function readAuthorization(r: MapReader, key: string, baseDir: string): Authorization | undefined {
  const a = r.map(key, AUTHORIZATION_FIELDS);
  if (a === undefined) return undefined;
  const type = a.string("type") || "Bearer";
  const credentials = a.string("credentials", { secret: true });
  const credentialsFile = a.string("credentials_file") || undefined;
  r.put(key, a.output());
  if (credentialsFile !== undefined && credentials !== undefined) {
    throw a.fail("credentials_file", "both `credentials` and `credentials_file` are set");
  }
  const az: Authorization = { type };
  if (credentialsFile !== undefined) az.credentialsFile = resolvePath(baseDir, credentialsFile);
  else az.credentials = credentials ?? "";
  return az;
}

function readOAuth2(r: MapReader, key: string, baseDir: string): OAuth2Config | undefined {
  const o = r.map(key, OAUTH2_FIELDS);
  if (o === undefined) return undefined;
  const clientId = o.string("client_id") ?? "";
  const clientSecret = o.string("client_secret", { secret: true });
  const clientSecretFile = o.string("client_secret_file") || undefined;
  const scopes = o.stringList("scopes") ?? [];
  const tokenUrl = o.string("token_url") ?? "";
  const endpointParams = Object.fromEntries(o.stringMap("endpoint_params") ?? []);
  const tlsConfig = readTLS(o, "tls_config", baseDir);
  const proxyUrl = o.string("proxy_url") || undefined;
  if (proxyUrl !== undefined) o.put("proxy_url", maskURL(proxyUrl));
  const headers = readHeaders(o, "headers");
  r.put(key, o.output());
  const bad = (k: string, reason: string) => o.fail(k, `cannot initialize oauth2: ${reason}`);
  if (clientId === "") throw bad("client_id", "client_id cannot be empty");
  if (clientSecret === undefined && clientSecretFile === undefined) {
    throw bad("client_secret", "client_secret or client_secret_file must be set");
  }
  if (clientSecret !== undefined && clientSecretFile !== undefined) {
    throw bad(
      "client_secret_file",
      "client_secret and client_secret_file cannot be set simultaneously",
    );
  }
  if (tokenUrl === "") throw bad("token_url", "token_url cannot be empty");
  const cfg: OAuth2Config = { clientId, scopes, tokenUrl, endpointParams };
  if (clientSecret !== undefined) cfg.clientSecret = clientSecret;
  if (clientSecretFile !== undefined) cfg.clientSecretFile = resolvePath(baseDir, clientSecretFile);
  if (tlsConfig !== undefined) cfg.tlsConfig = tlsConfig;
  if (proxyUrl !== undefined) cfg.proxyUrl = proxyUrl;
  if (headers.length > 0) cfg.headers = headers;
  return cfg;
}

/** Auth options read with a field-name prefix (`""` or `"proxy_"`). */
function readAuthOptions(r: MapReader, prefix: string, baseDir: string): ProxyClientConfig {
  const k = (name: string) => prefix + name;
  const out: ProxyClientConfig = { headers: [] };
  const authorization = readAuthorization(r, k("authorization"), baseDir);
  const basicAuth = readBasicAuth(r, k("basic_auth"), baseDir);
  const bearerToken = r.string(k("bearer_token"), { secret: true }) || undefined;
  const bearerTokenFile = r.string(k("bearer_token_file")) || undefined;
  const oauth2 = readOAuth2(r, k("oauth2"), baseDir);
  // The same checks, in the same order, as promauth.Options.NewConfig.
  if (basicAuth !== undefined && authorization !== undefined) {
    throw r.fail(
      k("basic_auth"),
      `cannot use both \`${k("authorization")}\` and \`${k("basic_auth")}\``,
    );
  }
  let hasAuth = authorization !== undefined || basicAuth !== undefined;
  if (bearerTokenFile !== undefined) {
    if (hasAuth) {
      throw r.fail(
        k("bearer_token_file"),
        `cannot simultaneously use \`${k("authorization")}\`, \`${k("basic_auth")}\` and \`${
          k("bearer_token_file")
        }\``,
      );
    }
    if (bearerToken !== undefined) {
      throw r.fail(
        k("bearer_token_file"),
        `both \`${k("bearer_token")}\` and \`${k("bearer_token_file")}\` are set`,
      );
    }
    hasAuth = true;
  }
  if (bearerToken !== undefined) {
    if (hasAuth) {
      throw r.fail(
        k("bearer_token"),
        `cannot simultaneously use \`${k("authorization")}\`, \`${k("basic_auth")}\` and \`${
          k("bearer_token")
        }\``,
      );
    }
    hasAuth = true;
  }
  if (oauth2 !== undefined && hasAuth) {
    throw r.fail(
      k("oauth2"),
      `cannot simultaneously use \`${k("authorization")}\`, \`${k("basic_auth")}\`, \`${
        k("bearer_token")
      }\` and \`${k("oauth2")}\``,
    );
  }
  const tlsConfig = readTLS(r, k("tls_config"), baseDir);
  out.headers = readHeaders(r, k("headers"));
  if (authorization !== undefined) out.authorization = authorization;
  if (basicAuth !== undefined) out.basicAuth = basicAuth;
  if (bearerToken !== undefined) out.bearerToken = bearerToken;
  if (bearerTokenFile !== undefined) out.bearerTokenFile = resolvePath(baseDir, bearerTokenFile);
  if (oauth2 !== undefined) out.oauth2 = oauth2;
  if (tlsConfig !== undefined) out.tlsConfig = tlsConfig;
  return out;
}

/** Reads `proxy_url`, checking its scheme as vmagent's `proxy.URL` does. */
function readProxyURL(r: MapReader): string | undefined {
  const u = r.string("proxy_url") || undefined;
  if (u === undefined) return undefined;
  r.put("proxy_url", maskURL(u));
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(u)?.[1].toLowerCase() ?? "";
  if (!PROXY_SCHEMES.includes(scheme)) {
    throw r.fail(
      "proxy_url",
      `cannot parse proxy_url=${JSON.stringify(u)}: unsupported scheme ${
        JSON.stringify(scheme)
      }; ` +
        `valid schemes: ${PROXY_SCHEMES.join(", ")}`,
    );
  }
  return u;
}

/**
 * Reads the inline HTTP client fields of `r` (plus `proxy_url`, and the `proxy_*` fields
 * when `proxyAuth` is set). File paths are resolved against `baseDir`.
 *
 * @example
 * ```ts
 * // r reads "bearer_token_file: token\ntls_config: {ca_file: ca.pem}\nproxy_url: http://proxy:3128"
 * readHTTPClientConfig(r, "/etc/vmagent", { proxyAuth: true });
 * // { headers: [], bearerTokenFile: "/etc/vmagent/token",
 * //   tlsConfig: { insecureSkipVerify: false, caFile: "/etc/vmagent/ca.pem" },
 * //   followRedirects: true, proxyUrl: "http://proxy:3128" }
 * ```
 */
export function readHTTPClientConfig(
  r: MapReader,
  baseDir: string,
  opts: { proxyAuth: boolean },
): HTTPClientConfig {
  const auth = readAuthOptions(r, "", baseDir);
  const followRedirects = r.bool("follow_redirects") ?? true;
  const cfg: HTTPClientConfig = { ...auth, followRedirects };
  const proxyUrl = readProxyURL(r);
  if (proxyUrl !== undefined) cfg.proxyUrl = proxyUrl;
  if (opts.proxyAuth && PROXY_CLIENT_FIELDS.some((f) => r.has(f))) {
    cfg.proxyClientConfig = readAuthOptions(r, "proxy_", baseDir);
  }
  return cfg;
}
