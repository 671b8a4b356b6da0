import { deepEqual, equal, throws } from "node:assert/strict";
import { configureLogger, getLogger, logFatal, type LoggerOptions } from "../../lib/util/log.ts";

/** Configures the logger to collect lines, with a settable clock. */
function capture(opts: LoggerOptions = {}) {
  const lines: string[] = [];
  const clock = { now: Date.UTC(2024, 0, 1, 0, 0, 0, 5) };
  configureLogger({ ...opts, write: (l) => lines.push(l), now: () => clock.now });
  return { lines, clock };
}

Deno.test("getLogger() writes vmagent's tab-separated line in UTC", () => {
  const { lines } = capture();
  getLogger("promscrape").info("started 3 scrapers\n\n");
  deepEqual(lines, ["2024-01-01T00:00:00.005Z\tinfo\tpromscrape\tstarted 3 scrapers"]);
});

Deno.test("getLogger() skips levels below -loggerLevel", () => {
  const f = (level: LoggerOptions["level"], want: string[]) => {
    const { lines } = capture({ level, disableTimestamps: true });
    const log = getLogger("c");
    log.info("i");
    log.warn("w");
    log.error("e");
    deepEqual(lines, want);
  };
  f("INFO", ["info\tc\ti", "warn\tc\tw", "error\tc\te"]);
  f("WARN", ["warn\tc\tw", "error\tc\te"]);
  f("ERROR", ["error\tc\te"]);
  f("FATAL", []);
});

Deno.test("getLogger() writes JSON lines, with renamed fields from -loggerJSONFields", () => {
  const f = (opts: LoggerOptions, want: string) => {
    const { lines } = capture({ format: "json", ...opts });
    getLogger("remotewrite").warn('queue "1" is full');
    deepEqual(lines, [want]);
  };
  f(
    {},
    '{"ts":"2024-01-01T00:00:00.005Z","level":"warn","caller":"remotewrite","msg":"queue \\"1\\" is full"}',
  );
  f(
    { jsonFields: "ts:timestamp, msg:message" },
    '{"timestamp":"2024-01-01T00:00:00.005Z","level":"warn","caller":"remotewrite","message":"queue \\"1\\" is full"}',
  );
  f(
    { disableTimestamps: true },
    '{"level":"warn","caller":"remotewrite","msg":"queue \\"1\\" is full"}',
  );
});

Deno.test("getLogger() prints timestamps in -loggerTimezone with Go's offset form", () => {
  const f = (timezone: string, ms: number, want: string) => {
    const { lines, clock } = capture({ timezone });
    clock.now = ms;
    getLogger("c").info("m");
    equal(lines[0], `${want}\tinfo\tc\tm`);
  };
  f("Europe/Berlin", Date.UTC(2024, 0, 1, 23, 30, 0, 123), "2024-01-02T00:30:00.123+0100");
  f("Europe/Berlin", Date.UTC(2024, 6, 1, 12, 0, 0, 0), "2024-07-01T14:00:00.000+0200");
  f("America/New_York", Date.UTC(2024, 0, 1, 3, 0, 0, 999), "2023-12-31T22:00:00.999-0500");
  f("Asia/Kolkata", Date.UTC(2024, 0, 1, 0, 0, 0, 0), "2024-01-01T05:30:00.000+0530");
  f("Europe/London", Date.UTC(2024, 0, 15, 8, 0, 0, 0), "2024-01-15T08:00:00.000Z");
  f("UTC", Date.UTC(2024, 0, 15, 8, 0, 0, 0), "2024-01-15T08:00:00.000Z");
});

Deno.test("getLogger() rate-limits warnings per caller per second, marking the first suppressed one", () => {
  const { lines, clock } = capture({ warnsPerSecondLimit: 2, disableTimestamps: true });
  const a = getLogger("a");
  const b = getLogger("b");
  for (let i = 1; i <= 5; i++) a.warn(`a${i}`);
  b.warn("b1");
  a.error("errors are not limited by the warn limit");
  clock.now += 1000;
  a.warn("a6");
  deepEqual(lines, [
    "warn\ta\ta1",
    "warn\ta\ta2",
    "warn\ta\tsuppressing log message with rate limit=2: a3",
    "warn\tb\tb1",
    "error\ta\terrors are not limited by the warn limit",
    "warn\ta\ta6",
  ]);
});

Deno.test("getLogger() rate-limits errors with -loggerErrorsPerSecondLimit", () => {
  const { lines } = capture({ errorsPerSecondLimit: 1, disableTimestamps: true });
  const log = getLogger("x");
  for (let i = 1; i <= 4; i++) log.error(`e${i}`);
  log.info("info is never limited");
  deepEqual(lines, [
    "error\tx\te1",
    "error\tx\tsuppressing log message with rate limit=1: e2",
    "info\tx\tinfo is never limited",
  ]);
});

Deno.test("getLogger() reports each message to onMessage, printed or not", () => {
  const seen: string[] = [];
  configureLogger({
    level: "WARN",
    warnsPerSecondLimit: 1,
    write: () => {},
    now: () => 0,
    onMessage: (level, caller, printed) => seen.push(`${level} ${caller} ${printed}`),
  });
  const log = getLogger("c");
  log.info("i");
  log.warn("w1");
  log.warn("w2");
  log.warn("w3");
  deepEqual(seen, ["INFO c false", "WARN c true", "WARN c true", "WARN c false"]);
});

Deno.test("logFatal() logs at fatal level and exits with status 255", () => {
  const lines: string[] = [];
  const codes: number[] = [];
  configureLogger({
    disableTimestamps: true,
    write: (l) => lines.push(l),
    exit: (code) => {
      codes.push(code);
      throw new Error("exited");
    },
  });
  throws(() => logFatal("main", "cannot read config"), /exited/);
  deepEqual(lines, ["fatal\tmain\tcannot read config"]);
  deepEqual(codes, [255]);
});

Deno.test("configureLogger() rejects unknown settings", () => {
  const f = (opts: LoggerOptions, re: RegExp) => throws(() => configureLogger(opts), re);
  f({ level: "DEBUG" as LoggerOptions["level"] }, /unsupported -loggerLevel value: "DEBUG"/);
  f({ format: "logfmt" as LoggerOptions["format"] }, /unsupported -loggerFormat value/);
  f({ output: "file" as LoggerOptions["output"] }, /unsupported -loggerOutput value/);
  f({ timezone: "Mars/Olympus" }, /cannot load timezone "Mars\/Olympus"/);
  f({ jsonFields: "ts" }, /missing ':' delimiter/);
  f({ jsonFields: "time:t" }, /unexpected json field name/);
  configureLogger({ write: () => {} });
});
