/**
 * The logger: vmagent's `-loggerLevel`, `-loggerFormat`, `-loggerOutput`,
 * `-loggerErrorsPerSecondLimit` and `-loggerWarnsPerSecondLimit`, UTC timestamps.
 * The only place in the project that writes to stdout or stderr for logs.
 *
 * @module
 */

/** Log levels, in vmagent's order. */
export type LogLevel = "INFO" | "WARN" | "ERROR" | "FATAL" | "PANIC";

const LEVEL_RANK: Record<LogLevel, number> = { INFO: 0, WARN: 1, ERROR: 2, FATAL: 3, PANIC: 4 };

/** Logger options; each mirrors the vmagent flag of the same name. */
export interface LoggerOptions {
  /** `-loggerLevel`. @default "INFO" */
  level?: LogLevel;
  /** `-loggerFormat`: `default` or `json`. @default "default" */
  format?: "default" | "json";
  /** `-loggerOutput`: `stderr` or `stdout`. @default "stderr" */
  output?: "stderr" | "stdout";
  /** `-loggerErrorsPerSecondLimit`; 0 means no limit. @default 0 */
  errorsPerSecondLimit?: number;
  /** `-loggerWarnsPerSecondLimit`; 0 means no limit. @default 0 */
  warnsPerSecondLimit?: number;
  /** Where lines go; replaced in tests. */
  write?: (line: string) => void;
  /** The clock; replaced in tests. */
  now?: () => number;
}

const encoder = new TextEncoder();
let opts: Required<LoggerOptions> = defaults();
let windowStart = 0;
const windowCounts = { WARN: 0, ERROR: 0 };
const suppressed = { WARN: 0, ERROR: 0 };

function defaults(): Required<LoggerOptions> {
  return {
    level: "INFO",
    format: "default",
    output: "stderr",
    errorsPerSecondLimit: 0,
    warnsPerSecondLimit: 0,
    write: (line) => {
      const out = opts.output === "stdout" ? Deno.stdout : Deno.stderr;
      out.writeSync(encoder.encode(line + "\n"));
    },
    now: () => Date.now(),
  };
}

/** Applies logger options; fields left out keep their defaults. */
export function configureLogger(options: LoggerOptions): void {
  const d = defaults();
  opts = {
    ...d,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  };
  windowStart = 0;
  windowCounts.WARN = windowCounts.ERROR = 0;
  suppressed.WARN = suppressed.ERROR = 0;
}

function emit(level: LogLevel, caller: string, msg: string): void {
  if (LEVEL_RANK[level] < LEVEL_RANK[opts.level]) return;
  const now = opts.now();
  if (level === "WARN" || level === "ERROR") {
    const limit = level === "WARN" ? opts.warnsPerSecondLimit : opts.errorsPerSecondLimit;
    if (limit > 0) {
      if (now - windowStart >= 1000) {
        for (const l of ["WARN", "ERROR"] as const) {
          if (suppressed[l] > 0) {
            const note = `suppressed ${
              suppressed[l]
            } ${l.toLowerCase()} messages in the last second`;
            write(l, "logger", note, now);
          }
          suppressed[l] = 0;
          windowCounts[l] = 0;
        }
        windowStart = now;
      }
      if (windowCounts[level] >= limit) {
        suppressed[level]++;
        return;
      }
      windowCounts[level]++;
    }
  }
  write(level, caller, msg, now);
}

function write(level: LogLevel, caller: string, msg: string, now: number): void {
  const ts = new Date(now).toISOString();
  const lvl = level.toLowerCase();
  if (opts.format === "json") {
    opts.write(JSON.stringify({ ts, level: lvl, caller, msg }));
  } else {
    opts.write(`${ts}\t${lvl}\t${caller}\t${msg}`);
  }
}

/** A logger bound to a caller name (the module), printed in every line. */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/**
 * Returns a logger whose lines name `caller`.
 *
 * @example
 * ```ts
 * const log = getLogger("promscrape");
 * log.info("started 3 scrapers");
 * ```
 */
export function getLogger(caller: string): Logger {
  return {
    info: (msg) => emit("INFO", caller, msg),
    warn: (msg) => emit("WARN", caller, msg),
    error: (msg) => emit("ERROR", caller, msg),
  };
}
