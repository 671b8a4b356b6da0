/**
 * The logger: vmagent's `-loggerLevel`, `-loggerFormat`, `-loggerOutput`,
 * `-loggerTimezone`, `-loggerDisableTimestamps`, `-loggerJSONFields`,
 * `-loggerErrorsPerSecondLimit` and `-loggerWarnsPerSecondLimit`.
 * The only place in the project that writes to stdout or stderr for logs.
 *
 * Lines look like vmagent's: `2024-01-01T00:00:00.000Z\tinfo\tcaller\tmessage`,
 * or `{"ts":...,"level":...,"caller":...,"msg":...}` in JSON format. The
 * caller is the name given to {@linkcode getLogger} (vmagent prints file:line).
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
  /** `-loggerTimezone`: an IANA zone such as `Europe/Berlin`, `UTC` or `Local`. @default "UTC" */
  timezone?: string;
  /** `-loggerDisableTimestamps`. @default false */
  disableTimestamps?: boolean;
  /** `-loggerJSONFields`: renames JSON fields, e.g. `ts:timestamp,msg:message`. @default "" */
  jsonFields?: string;
  /** `-loggerErrorsPerSecondLimit`, per caller; 0 means no limit. @default 0 */
  errorsPerSecondLimit?: number;
  /** `-loggerWarnsPerSecondLimit`, per caller; 0 means no limit. @default 0 */
  warnsPerSecondLimit?: number;
  /**
   * Where lines go (without the trailing newline); replaced in tests.
   * @default a synchronous write of the line and "\n" to stderr or stdout, per `output`
   */
  write?: (line: string) => void;
  /** The clock; replaced in tests. @default Date.now */
  now?: () => number;
  /** Called for every message, printed or not (for `vm_log_messages_total`). */
  onMessage?: (level: LogLevel, caller: string, printed: boolean) => void;
  /** Ends the process after a FATAL line. @default Deno.exit */
  exit?: (code: number) => never;
}

type Resolved = Required<Omit<LoggerOptions, "onMessage">> & {
  onMessage?: LoggerOptions["onMessage"];
};

const encoder = new TextEncoder();
let opts: Resolved = defaults();
let zone: Intl.DateTimeFormat | undefined;
let fields = { ts: "ts", level: "level", caller: "caller", msg: "msg" };
// Rate limiting as vmagent does it: per caller, counts reset every wall-clock second.
let limitSecond = -1;
let limitCounts = new Map<string, number>();

function defaults(): Resolved {
  return {
    level: "INFO",
    format: "default",
    output: "stderr",
    timezone: "UTC",
    disableTimestamps: false,
    jsonFields: "",
    errorsPerSecondLimit: 0,
    warnsPerSecondLimit: 0,
    write: (line) => {
      const out = opts.output === "stdout" ? Deno.stdout : Deno.stderr;
      out.writeSync(encoder.encode(line + "\n"));
    },
    now: () => Date.now(),
    exit: (code) => Deno.exit(code),
  };
}

function parseJSONFields(spec: string): typeof fields {
  const f = { ts: "ts", level: "level", caller: "caller", msg: "msg" };
  if (spec === "") return f;
  for (const item of spec.split(",")) {
    const kv = item.trim().split(":");
    if (kv.length !== 2) {
      throw new RangeError(
        `missing ':' delimiter in -loggerJSONFields=${JSON.stringify(spec)} for ${
          JSON.stringify(item)
        } item`,
      );
    }
    if (!(kv[0] in f)) {
      throw new RangeError(
        `unexpected json field name in -loggerJSONFields=${JSON.stringify(spec)}: ${
          JSON.stringify(kv[0])
        }; ` +
          "supported values: ts, level, caller, msg",
      );
    }
    f[kv[0] as keyof typeof f] = kv[1];
  }
  return f;
}

/**
 * Applies logger options; fields left out keep their defaults. Throws a
 * RangeError on an unknown level, format, output, time zone or JSON field.
 *
 * @example
 * ```ts
 * configureLogger({ level: "WARN", timezone: "Europe/Berlin" });
 * ```
 */
export function configureLogger(options: LoggerOptions): void {
  const next: Resolved = {
    ...defaults(),
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  };
  if (!(next.level in LEVEL_RANK)) {
    throw new RangeError(
      `unsupported -loggerLevel value: ${
        JSON.stringify(next.level)
      }; supported values are: INFO, WARN, ERROR, FATAL, PANIC`,
    );
  }
  if (next.format !== "default" && next.format !== "json") {
    throw new RangeError(
      `unsupported -loggerFormat value: ${
        JSON.stringify(next.format)
      }; supported values are: default, json`,
    );
  }
  if (next.output !== "stderr" && next.output !== "stdout") {
    throw new RangeError(
      `unsupported -loggerOutput value: ${
        JSON.stringify(next.output)
      }; supported values are: stderr, stdout`,
    );
  }
  const nextFields = parseJSONFields(next.jsonFields);
  let nextZone: Intl.DateTimeFormat | undefined;
  if (next.timezone !== "UTC") {
    try {
      nextZone = new Intl.DateTimeFormat("en-US", {
        timeZone: next.timezone === "Local" ? undefined : next.timezone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        hourCycle: "h23",
      });
    } catch {
      throw new RangeError(`cannot load timezone ${JSON.stringify(next.timezone)}`);
    }
  }
  opts = next;
  zone = nextZone;
  fields = nextFields;
  limitSecond = -1;
  limitCounts = new Map();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/**
 * Formats `ms` as Go's `2006-01-02T15:04:05.000Z0700` in `fmt` (UTC when
 * undefined): `Z` for a zero offset, else `+hhmm` / `-hhmm`.
 */
function formatTimestamp(ms: number, fmt: Intl.DateTimeFormat | undefined): string {
  if (fmt === undefined) return new Date(ms).toISOString();
  const p: Record<string, number> = {};
  for (const part of fmt.formatToParts(new Date(ms))) {
    if (part.type !== "literal") p[part.type] = Number(part.value);
  }
  const wallSeconds = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000;
  const offsetMin = Math.round((wallSeconds - Math.floor(ms / 1000)) / 60);
  const frac = pad(((ms % 1000) + 1000) % 1000, 3);
  const date = `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
  const time = `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}.${frac}`;
  if (offsetMin === 0) return `${date}T${time}Z`;
  const abs = Math.abs(offsetMin);
  const sign = offsetMin < 0 ? "-" : "+";
  return `${date}T${time}${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/** Returns the prefix to add, "" to print as is, or undefined to suppress. */
function rateLimit(level: LogLevel, caller: string, now: number): string | undefined {
  const limit = level === "WARN" ? opts.warnsPerSecondLimit : opts.errorsPerSecondLimit;
  if (limit <= 0) return "";
  const second = Math.floor(now / 1000);
  if (second !== limitSecond) {
    limitSecond = second;
    limitCounts = new Map();
  }
  const key = `${level}\u0000${caller}`;
  const n = limitCounts.get(key) ?? 0;
  if (n > limit) return undefined;
  limitCounts.set(key, n + 1);
  // The first message over the limit is printed once, marked, then the rest are dropped.
  return n === limit ? `suppressing log message with rate limit=${limit}: ` : "";
}

function emit(level: LogLevel, caller: string, msg: string): void {
  if (LEVEL_RANK[level] < LEVEL_RANK[opts.level]) {
    opts.onMessage?.(level, caller, false);
    return;
  }
  const now = opts.now();
  let text = msg;
  if (level === "WARN" || level === "ERROR") {
    const prefix = rateLimit(level, caller, now);
    if (prefix === undefined) {
      opts.onMessage?.(level, caller, false);
      return;
    }
    text = prefix + text;
  }
  while (text.endsWith("\n")) text = text.slice(0, -1);
  const lvl = level.toLowerCase();
  const ts = opts.disableTimestamps ? undefined : formatTimestamp(now, zone);
  if (opts.format === "json") {
    const obj: Record<string, string> = {};
    if (ts !== undefined) obj[fields.ts] = ts;
    obj[fields.level] = lvl;
    obj[fields.caller] = caller;
    obj[fields.msg] = text;
    opts.write(JSON.stringify(obj));
  } else {
    opts.write(
      ts === undefined ? `${lvl}\t${caller}\t${text}` : `${ts}\t${lvl}\t${caller}\t${text}`,
    );
  }
  opts.onMessage?.(level, caller, true);
}

/** A logger bound to a caller name (the module), printed in every line. */
export interface Logger {
  /** Logs at INFO. */
  info(msg: string): void;
  /** Logs at WARN (rate limited by `-loggerWarnsPerSecondLimit`). */
  warn(msg: string): void;
  /** Logs at ERROR (rate limited by `-loggerErrorsPerSecondLimit`). */
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

/**
 * Logs `msg` at FATAL and ends the process with status 255, as vmagent's
 * `logger.Fatalf` does (for main.ts: bad flags, unreadable config at start).
 *
 * @example
 * ```ts
 * logFatal("main", "cannot read -promscrape.config: no such file");
 * ```
 */
export function logFatal(caller: string, msg: string): never {
  emit("FATAL", caller, msg);
  return opts.exit(255);
}
