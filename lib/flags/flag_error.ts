/**
 * How flag parsing ends the process early. vmagent prints help, the version or a flag error and
 * exits; here the parser throws, and `main.ts` prints {@linkcode FlagExit.output} to
 * {@linkcode FlagExit.stream} and exits with {@linkcode FlagExit.exitCode}.
 *
 * @module
 */

/** Which standard stream vmagent writes the text to. */
export type OutputStream = "stdout" | "stderr";

/**
 * Parsing stopped and the process should exit: `-help` and `-version` (exit code 0), or a
 * {@linkcode FlagError}.
 *
 * @example
 * ```ts
 * try {
 *   parseAgentFlags(Deno.args, { env: (n) => Deno.env.get(n) });
 * } catch (e) {
 *   if (!(e instanceof FlagExit)) throw e;
 *   // write e.output to e.stream, then Deno.exit(e.exitCode)
 * }
 * ```
 */
export class FlagExit extends Error {
  /** The process exit code. */
  readonly exitCode: number;
  /** Everything to print, ending in a newline. */
  readonly output: string;
  /** Where to print it. */
  readonly stream: OutputStream;

  constructor(message: string, exitCode: number, output: string, stream: OutputStream) {
    super(message);
    this.name = "FlagExit";
    this.exitCode = exitCode;
    this.output = output;
    this.stream = stream;
  }
}

/**
 * A bad command line or environment. Exit code 2 for what Go's flag package rejects (unknown
 * flag, bad value, missing value), 1 for what vmagent rejects after it (left-over arguments, a bad
 * value in an environment variable).
 *
 * @example
 * ```ts
 * try {
 *   parseAgentFlags(["-remoteWrite.ulr=x"], { env: () => undefined });
 * } catch (e) {
 *   if (e instanceof FlagError) e.exitCode; // 2; e.flag === "remoteWrite.ulr"
 *   // e.message: "flag provided but not defined: -remoteWrite.ulr; did you mean -remoteWrite.url?"
 * }
 * ```
 */
export class FlagError extends FlagExit {
  /** The flag concerned, when there is one. */
  readonly flag?: string;
  /** The environment variable the bad value came from, when it came from one. */
  readonly envVar?: string;

  constructor(
    message: string,
    opts: { exitCode: 1 | 2; output: string; stream: OutputStream; flag?: string; envVar?: string },
  ) {
    super(message, opts.exitCode, opts.output, opts.stream);
    this.name = "FlagError";
    this.flag = opts.flag;
    this.envVar = opts.envVar;
  }
}
