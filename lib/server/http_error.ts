/**
 * Error responses as vmagent writes them: Go's `http.Error` (plain text, the
 * message plus a newline, `X-Content-Type-Options: nosniff`) and an error type
 * that carries its HTTP status, like VictoriaMetrics' `ErrorWithStatusCode`.
 *
 * @module
 */

/**
 * An error whose message is sent to the client with `status` (400 when not an HttpError).
 *
 * @example
 * ```ts
 * const err = new HttpError(413, "too big data size exceeding -maxInsertRequestSize=33554432");
 * errorStatus(err); // 413
 * ```
 */
export class HttpError extends Error {
  /** The HTTP status code to answer with. */
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
  }
}

/**
 * The content type of every plain-text answer.
 *
 * @example
 * ```ts
 * new Response("OK", { headers: { "Content-Type": TEXT_PLAIN } });
 * ```
 */
export const TEXT_PLAIN = "text/plain; charset=utf-8";

/**
 * Returns a plain-text error response: `msg` and a newline, as Go's `http.Error`.
 *
 * @example
 * ```ts
 * const res = httpError(401, "The provided authKey doesn't match -metricsAuthKey");
 * ```
 */
export function httpError(status: number, msg: string, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("Content-Type", TEXT_PLAIN);
  h.set("X-Content-Type-Options", "nosniff");
  return new Response(msg + "\n", { status, headers: h });
}

/**
 * Returns a plain-text response with `body` and `status` (200 unless given).
 *
 * @example
 * ```ts
 * const res = textResponse("OK"); // 200, Content-Type: text/plain; charset=utf-8
 * await res.text(); // "OK"
 * ```
 */
export function textResponse(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "Content-Type": TEXT_PLAIN } });
}

/**
 * Returns the status an error should be answered with: its own for an HttpError, else 400.
 *
 * @example
 * ```ts
 * errorStatus(new HttpError(503, "shutting down")); // 503
 * errorStatus(new Error("cannot parse line")); // 400
 * ```
 */
export function errorStatus(err: unknown): number {
  return err instanceof HttpError ? err.status : 400;
}

/**
 * Returns the message of any thrown value: `message` for an Error, else `String(err)`.
 *
 * @example
 * ```ts
 * errorMessage(new Error("bad input")); // "bad input"
 * errorMessage("plain string"); // "plain string"
 * ```
 */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
