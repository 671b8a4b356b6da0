import assert from "node:assert/strict";
import {
  boolFlag,
  durationFlag,
  FlagError,
  FlagExit,
  intArrayFlag,
  intFlag,
  parseFlags,
  passwordFlag,
  stringArrayFlag,
  stringFlag,
} from "../../lib/flags/mod.ts";
import type { FlagEnv } from "../../lib/flags/mod.ts";

const SPECS = {
  "str": stringFlag("dflt", "a string"),
  "pass": passwordFlag("a password"),
  "num": intFlag(7, "an int"),
  "on": boolFlag(false, "a bool"),
  "wait": durationFlag("1m", "a duration"),
  "url": stringArrayFlag("urls"),
  "counts": intArrayFlag(3, "ints"),
  "envflag.enable": boolFlag(false, "read env"),
  "envflag.prefix": stringFlag("", "env prefix"),
};

const parse = (argv: string[], env?: FlagEnv) => parseFlags(SPECS, argv, { env, program: "agent" });

/** Runs `fn`, which must throw a FlagExit, and returns it. */
function exitOf(fn: () => unknown): FlagExit {
  try {
    fn();
  } catch (e) {
    if (e instanceof FlagExit) return e;
    throw e;
  }
  assert.fail("expected a FlagExit");
}

Deno.test("parseFlags() reads unset flags from the environment only with -envflag.enable", () => {
  const env: Record<string, string> = {
    str: "from-env",
    num: "11",
    url: "http://a,http://b",
    on: "true",
    VM_str: "prefixed",
    VM_wait: "2s",
    envflag_prefix: "IGNORED_",
  };
  const lookup = (n: string) => env[n];
  // without -envflag.enable, nothing is read
  assert.equal(parse([], lookup).get("str"), "dflt");
  // an environment -envflag.enable is not honoured
  assert.equal(parse([], (n) => (n === "envflag_enable" ? "true" : env[n])).get("str"), "dflt");

  const flags = parse(["-envflag.enable", "-num=1"], lookup);
  assert.equal(flags.get("str"), "from-env");
  assert.equal(flags.isSet("str"), true);
  assert.equal(flags.get("num"), 1); // the command line wins
  assert.deepEqual(flags.get("url"), ["http://a", "http://b"]);
  assert.equal(flags.get("on"), true);
  assert.equal(flags.isSet("wait"), false);

  const prefixed = parse(["-envflag.enable", "-envflag.prefix=VM_"], lookup);
  assert.equal(prefixed.get("str"), "prefixed");
  assert.equal(prefixed.get("wait"), 2000);
  assert.equal(prefixed.get("num"), 7);
});

Deno.test("parseFlags() does not merge an array flag from the command line and the environment", () => {
  const flags = parse(
    ["-envflag.enable", "-url=http://cli"],
    (n) => (n === "url" ? "http://env" : undefined),
  );
  assert.deepEqual(flags.get("url"), ["http://cli"]);
});

Deno.test("parseFlags() counts an empty environment variable as set", () => {
  const flags = parse(["-envflag.enable"], (n) => (n === "str" || n === "url" ? "" : undefined));
  assert.equal(flags.get("str"), "");
  assert.equal(flags.isSet("str"), true);
  assert.deepEqual(flags.get("url"), [""]);
  const e = exitOf(() => parse(["-envflag.enable"], (n) => (n === "on" ? "" : undefined)));
  assert.ok(e instanceof FlagError);
  assert.equal(e.envVar, "on");
});

Deno.test("parseFlags() names the variable holding a bad environment value", () => {
  const f = (env: Record<string, string>, argv: string[], message: string, envVar: string) => {
    const e = exitOf(() => parse(["-envflag.enable", ...argv], (n) => env[n]));
    assert.ok(e instanceof FlagError);
    assert.equal(e.message, message);
    assert.equal(e.exitCode, 1);
    assert.equal(e.stream, "stderr");
    assert.equal(e.envVar, envVar);
  };
  f(
    { num: "ten" },
    [],
    `cannot set flag num to "ten", which is read from env var "num": parse error`,
    "num",
  );
  f(
    { X_wait: "5" },
    ["-envflag.prefix=X_"],
    `cannot set flag wait to "5", which is read from env var "X_wait": parse error`,
    "X_wait",
  );
  f(
    { counts: "1,a" },
    [],
    `cannot set flag counts to "1,a", which is read from env var "counts": strconv.Atoi: parsing "a": invalid syntax`,
    "counts",
  );
  // a secret value is not repeated in the message
  f(
    { pass: "x", num: "" },
    [],
    `cannot set flag num to "", which is read from env var "num": parse error`,
    "num",
  );
  const e = exitOf(() =>
    parseFlags({ "a.token": intFlag(0, "t"), "envflag.enable": boolFlag(false, "e") }, [
      "-envflag.enable",
    ], { env: { a_token: "hunter2" } })
  );
  assert.equal(
    e.message,
    `cannot set flag a.token to "secret", which is read from env var "a_token": parse error`,
  );
});

Deno.test("parseFlags() expands placeholders inside environment values", () => {
  const env = { HOST: "db", str: "http://%{HOST}/", A: "%{B}", B: "%{A}", num: "%{N}", N: "4" };
  for (
    const given of [
      env,
      new Map(Object.entries(env)),
      (n: string) => (env as Record<string, string>)[n],
    ]
  ) {
    const flags = parse(["-envflag.enable", "-pass=%{str}"], given);
    assert.equal(flags.get("str"), "http://db/");
    assert.equal(flags.get("num"), 4);
    assert.equal(flags.get("pass"), "http://db/");
  }
  // a cycle does not hang
  const cyc = parse(["-str=%{A}"], (n) => (env as Record<string, string>)[n]).get("str");
  assert.ok(cyc.includes("%{"), cyc);
});
