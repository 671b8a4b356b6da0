/**
 * OAuth2 client credentials (RFC 6749 §4.4) for `oauth2:` sections, as Go's
 * `clientcredentials` package behaves: the client id and secret go first in a
 * basic `Authorization` header (URL-encoded) and, if the server rejects that, in
 * the form body; the token is reused until 10 s before it expires. Private to
 * `http_client.ts`.
 *
 * @module
 */
import type { HTTPClientConfig, OAuth2Config } from "../config/types.ts";
import type { HttpClient } from "./http_client.ts";
import { goQueryEscape } from "./go_query_escape.ts";

/** What {@linkcode OAuth2TokenSource} needs from its owner. */
export interface OAuth2Deps {
  readSecret: (path: string, what: string) => Promise<string>;
  newClient: (cfg: HTTPClientConfig) => HttpClient;
  now: () => number;
}

interface Token {
  header: string;
  /** Milliseconds since the epoch; Infinity when the server gave no expiry. */
  expiresAt: number;
  secret: string;
}

const EXPIRY_DELTA_MS = 10_000;

/** Go's `Token.Type()`: canonical casing of well-known types, `Bearer` by default. */
function tokenType(t: string): string {
  const l = t.toLowerCase();
  if (l === "" || l === "bearer") return "Bearer";
  if (l === "mac") return "MAC";
  if (l === "basic") return "Basic";
  return t;
}

/**
 * Fetches OAuth2 tokens with the client credentials grant and caches each until 10 s before it
 * expires.
 *
 * @example
 * ```ts
 * const tokens = new OAuth2TokenSource({
 *   clientId: "vmagent",
 *   clientSecret: "s3cret",
 *   scopes: [],
 *   tokenUrl: "https://auth.example.com/token",
 *   endpointParams: {},
 * }, {
 *   readSecret: (path) => Deno.readTextFile(path),
 *   newClient: (c) => createHttpClient(c),
 *   now: Date.now,
 * });
 * await tokens.authHeader(); // "Bearer eyJhbGciOi..." (fetched once, then served from the cache)
 * tokens.close();
 * ```
 */
export class OAuth2TokenSource {
  #token?: Token;
  #pending?: Promise<Token>;
  #client?: HttpClient;
  /** Go's auto-detection: start with credentials in a header, fall back to the body. */
  #inParams = false;

  constructor(readonly cfg: OAuth2Config, readonly deps: OAuth2Deps) {}

  /** Releases the token endpoint's client. */
  close(): void {
    this.#client?.close();
    this.#client = undefined;
  }

  /** Returns `"<type> <access_token>"`, fetching a new token when needed. */
  async authHeader(): Promise<string> {
    const secret = this.cfg.clientSecretFile
      ? await this.deps.readSecret(this.cfg.clientSecretFile, "`client_secret_file`")
      : (this.cfg.clientSecret ?? "");
    const t = this.#token;
    if (t !== undefined && t.secret === secret && this.deps.now() < t.expiresAt - EXPIRY_DELTA_MS) {
      return t.header;
    }
    this.#pending ??= this.#fetch(secret).finally(() => this.#pending = undefined);
    this.#token = await this.#pending;
    return this.#token.header;
  }

  async #fetch(secret: string): Promise<Token> {
    this.#client ??= this.deps.newClient({
      headers: [],
      followRedirects: true,
      tlsConfig: this.cfg.tlsConfig,
      proxyUrl: this.cfg.proxyUrl,
    });
    if (!this.#inParams) {
      try {
        return await this.#request(secret, false);
      } catch (e) {
        if (!(e instanceof TokenHTTPError)) throw e;
        this.#inParams = true;
        try {
          return await this.#request(secret, true);
        } catch {
          this.#inParams = false;
          throw e;
        }
      }
    }
    return await this.#request(secret, true);
  }

  async #request(secret: string, inParams: boolean): Promise<Token> {
    const form = new URLSearchParams();
    form.set("grant_type", "client_credentials");
    if (this.cfg.scopes.length > 0) form.set("scope", this.cfg.scopes.join(" "));
    for (const [k, v] of Object.entries(this.cfg.endpointParams)) form.set(k, v);
    const headers = new Headers({ "content-type": "application/x-www-form-urlencoded" });
    if (inParams) {
      form.set("client_id", this.cfg.clientId);
      if (secret !== "") form.set("client_secret", secret);
    } else {
      // Go's oauth2 package escapes both with url.QueryEscape before Basic auth.
      const id = goQueryEscape(this.cfg.clientId);
      const pw = goQueryEscape(secret);
      headers.set("authorization", "Basic " + btoa(`${id}:${pw}`));
    }
    // `headers` for the token endpoint override the ones above, as vmagent does.
    for (const [k, v] of this.cfg.headers ?? []) headers.set(k, v);
    const started = this.deps.now();
    const resp = await this.#client!.fetch(this.cfg.tokenUrl, {
      method: "POST",
      headers,
      body: form.toString(),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await resp.text();
    if (resp.status < 200 || resp.status > 299) {
      throw new TokenHTTPError(
        `oauth2: cannot fetch token from ${this.cfg.tokenUrl}: ${resp.status}; response: ${
          text.slice(0, 512)
        }`,
      );
    }
    let accessToken = "";
    let type = "";
    let expiresIn = 0;
    const ct = resp.headers.get("content-type") ?? "";
    if (/application\/x-www-form-urlencoded|text\/plain/.test(ct)) {
      const p = new URLSearchParams(text);
      accessToken = p.get("access_token") ?? "";
      type = p.get("token_type") ?? "";
      expiresIn = Number(p.get("expires_in") ?? 0);
    } else {
      let j: Record<string, unknown>;
      try {
        j = JSON.parse(text);
      } catch {
        throw new Error(`oauth2: cannot parse token response from ${this.cfg.tokenUrl}`);
      }
      accessToken = typeof j.access_token === "string" ? j.access_token : "";
      type = typeof j.token_type === "string" ? j.token_type : "";
      expiresIn = Number(j.expires_in ?? 0);
    }
    if (accessToken === "") {
      throw new Error(`oauth2: server response from ${this.cfg.tokenUrl} is missing access_token`);
    }
    return {
      header: `${tokenType(type)} ${accessToken}`,
      expiresAt: expiresIn > 0 ? started + expiresIn * 1000 : Infinity,
      secret,
    };
  }
}

/** A non-2xx answer from the token endpoint. */
class TokenHTTPError extends Error {}
