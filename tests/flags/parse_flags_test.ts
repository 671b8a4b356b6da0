import assert from "node:assert/strict";
import {
  boolArrayFlag,
  boolFlag,
  bytesArrayFlag,
  bytesFlag,
  durationArrayFlag,
  durationFlag,
  FlagError,
  FlagExit,
  floatFlag,
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
  "ratio": floatFlag(0.5, "a float"),
  "on": boolFlag(false, "a bool"),
  "yes": boolFlag(true, "a bool that defaults to true"),
  "wait": durationFlag("1m", "a duration"),
  "size": bytesFlag(1024, "a size"),
  "url": stringArrayFlag("urls"),
  "addr": stringArrayFlag("listen addresses", { whenUnset: [":8429"] }),
  "flags": boolArrayFlag("bools"),
  "counts": intArrayFlag(3, "ints"),
  "timeouts": durationArrayFlag("1m", "durations"),
  "sizes": bytesArrayFlag(0, "sizes"),
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

Deno.test("parseFlags() returns defaults when nothing is given", () => {
  const flags = parse([]);
  assert.deepEqual(flags.values, {
    "addr": [":8429"],
    "counts": [],
    "envflag.enable": false,
    "envflag.prefix": "",
    "flags": [],
    "num": 7,
    "on": false,
    "pass": "",
    "ratio": 0.5,
    "size": 1024,
    "sizes": [],
    "str": "dflt",
    "timeouts": [],
    "url": [],
    "wait": 60000,
    "yes": true,
  });
  for (const name of flags.names()) assert.equal(flags.isSet(name), false, name);
  assert.ok(Object.isFrozen(flags));
  assert.ok(Object.isFrozen(flags.values));
});

Deno.test("parseFlags() accepts every Go flag syntax", () => {
  const f = (argv: string[], name: keyof typeof SPECS, want: unknown) => {
    assert.deepEqual(parse(argv).get(name), want, argv.join(" "));
  };
  f(["-str=a"], "str", "a");
  f(["-str", "a"], "str", "a");
  f(["--str=a"], "str", "a");
  f(["--str", "a"], "str", "a");
  f(["-str="], "str", "");
  f(["-str=a=b"], "str", "a=b");
  f(["-str", "-num"], "str", "-num"); // the next argument is the value, even if it looks like a flag
  f(["-str=a", "-str=b"], "str", "b"); // the last one wins
  f(["-num=0x10"], "num", 16);
  f(["-num", "-3"], "num", -3);
  f(["-ratio=1e-3"], "ratio", 0.001);
  f(["-wait=1m30s"], "wait", 90000);
  f(["-wait=500us"], "wait", 0.5);
  f(["-size=16MiB"], "size", 16 * 1024 * 1024);
  f(["-size="], "size", 0);
  f(["-pass=s3cret"], "pass", "s3cret");
});

Deno.test("parseFlags() treats boolean flags as Go does", () => {
  const f = (argv: string[], want: boolean) =>
    assert.equal(parse(argv).get("on"), want, argv.join(" "));
  f(["-on"], true);
  f(["--on"], true);
  for (const v of ["1", "t", "T", "TRUE", "true", "True"]) f([`-on=${v}`], true);
  f(["-on", "-on=false"], false);
  for (const v of ["0", "f", "F", "FALSE", "false", "False"]) f([`-on=${v}`], false);
  assert.equal(parse(["-yes=false"]).get("yes"), false);
  // `-on false` sets true and leaves "false" as an argument, which vmagent refuses
  const e = exitOf(() => parse(["-on", "false"]));
  assert.ok(e instanceof FlagError);
  assert.equal(e.exitCode, 1);
  assert.equal(e.stream, "stderr");
  assert.match(
    e.message,
    /^unprocessed command-line args left: \[false\]; .*missing `=` between boolean/,
  );
});

Deno.test("parseFlags() reports bad values with Go's wording and exit code 2", () => {
  const f = (argv: string[], message: string, flag: string) => {
    const e = exitOf(() => parse(argv));
    assert.ok(e instanceof FlagError, argv.join(" "));
    assert.equal(e.message, message);
    assert.equal(e.exitCode, 2);
    assert.equal(e.flag, flag);
    assert.equal(e.stream, "stdout");
    assert.ok(e.output.startsWith(message + "\n"));
    assert.match(
      e.output,
      /Run "agent -help" in order to see the description for all the available flags\n$/,
    );
  };
  f(["-on=yes"], `invalid boolean value "yes" for -on: parse error`, "on");
  f(["-on="], `invalid boolean value "" for -on: parse error`, "on");
  f(["-num=abc"], `invalid value "abc" for flag -num: parse error`, "num");
  f(
    ["-num=99999999999999999999"],
    `invalid value "99999999999999999999" for flag -num: value out of range`,
    "num",
  );
  f(["-ratio=x"], `invalid value "x" for flag -ratio: parse error`, "ratio");
  f(["-wait=5"], `invalid value "5" for flag -wait: parse error`, "wait");
  f(
    ["-size=5XB"],
    `invalid value "5XB" for flag -size: strconv.ParseFloat: parsing "5XB": invalid syntax`,
    "size",
  );
  f(
    ["-counts=1,x"],
    `invalid value "1,x" for flag -counts: strconv.Atoi: parsing "x": invalid syntax`,
    "counts",
  );
  f(
    ["-timeouts=1d"],
    `invalid value "1d" for flag -timeouts: time: unknown unit "d" in duration "1d"`,
    "timeouts",
  );
  f(
    ["-flags=maybe"],
    `invalid boolean value "maybe" for -flags: strconv.ParseBool: parsing "maybe": invalid syntax`,
    "flags",
  );
  f(["-str"], "flag needs an argument: -str", "str");
  f(["-pass"], "flag needs an argument: -pass", "pass");
});

Deno.test("parseFlags() hides the value of a secret flag in error messages", () => {
  const e = exitOf(() => parseFlags({ "api.token": intFlag(0, "a token") }, ["-api.token=abc123"]));
  assert.equal(e.message, `invalid value "secret" for flag -api.token: parse error`);
  assert.doesNotMatch(e.output, /abc123/);
});

Deno.test("parseFlags() rejects unknown flags naming the nearest known one", () => {
  const f = (argv: string[], message: string, flag: string) => {
    const e = exitOf(() => parse(argv));
    assert.ok(e instanceof FlagError);
    assert.equal(e.exitCode, 2);
    assert.equal(e.message, message);
    assert.equal(e.flag, flag);
  };
  f(["-ulr=x"], "flag provided but not defined: -ulr; did you mean -url?", "ulr");
  f(
    ["--TIMEOUTS=1s"],
    "flag provided but not defined: -TIMEOUTS; did you mean -timeouts?",
    "TIMEOUTS",
  );
  f(
    ["-envflag.enabled"],
    "flag provided but not defined: -envflag.enabled; did you mean -envflag.enable?",
    "envflag.enabled",
  );
  f(
    ["-completelyDifferent"],
    "flag provided but not defined: -completelyDifferent",
    "completelyDifferent",
  );
  // an error stops parsing: later flags are not looked at
  f(["-nope", "-str=x"], "flag provided but not defined: -nope", "nope");
});

Deno.test("parseFlags() rejects malformed flag syntax", () => {
  for (const arg of ["---str=a", "-=a", "--=a"]) {
    const e = exitOf(() => parse([arg]));
    assert.equal(e.message, `bad flag syntax: ${arg}`);
    assert.equal(e.exitCode, 2);
  }
});

Deno.test("parseFlags() stops at -- or the first non-flag and refuses what is left", () => {
  const f = (argv: string[], left: string) => {
    const e = exitOf(() => parse(argv));
    assert.ok(e instanceof FlagError);
    assert.equal(e.exitCode, 1);
    assert.ok(e.message.startsWith(`unprocessed command-line args left: [${left}];`), e.message);
    assert.equal(e.output, e.message + "\n");
  };
  f(["--", "-str=a"], "-str=a");
  f(["-str=a", "extra", "-num=1"], "extra -num=1");
  f(["-", "-str=a"], "- -str=a");
  // "--" alone at the end leaves nothing, which is fine
  assert.equal(parse(["-str=a", "--"]).get("str"), "a");
});

Deno.test("parseFlags() appends repeated array flags and splits values on commas", () => {
  const flags = parse([
    "-url=a,b",
    "-url=c",
    "--url",
    `"d,e",'f'`,
    "-flags",
    "-flags=false,1,",
    "-counts=1,,-2",
    "-timeouts=10s,,1h",
    "-sizes=1KiB,2mb",
    "-addr=",
  ]);
  assert.deepEqual(flags.get("url"), ["a", "b", "c", "d,e", "f"]);
  assert.deepEqual(flags.get("flags"), [true, false, true, false]);
  assert.deepEqual(flags.get("counts"), [1, 3, -2]);
  assert.deepEqual(flags.get("timeouts"), [10000, 60000, 3600000]);
  assert.deepEqual(flags.get("sizes"), [1024, 2e6]);
  // an explicit empty value is one empty item, not the fallback
  assert.deepEqual(flags.get("addr"), [""]);
  assert.equal(flags.text("url"), `a,b,c,"d,e",f`);
  assert.equal(flags.text("flags"), "true,false,true,false");
  assert.equal(flags.text("counts"), "1,3,-2");
  assert.equal(flags.text("timeouts"), "10s,1m0s,1h0m0s");
  assert.equal(flags.text("sizes"), "1KiB,2MB");
  assert.ok(Object.isFrozen(flags.get("url")));
});

Deno.test("getArg() gives item i, else the single item, else the default", () => {
  const f = (
    argv: string[],
    index: number,
    want: { url: string; flag: boolean; count: number; timeout: number; size: number },
  ) => {
    const flags = parse(argv);
    assert.deepEqual(
      {
        url: flags.getArg("url", index),
        flag: flags.getArg("flags", index),
        count: flags.getArg("counts", index),
        timeout: flags.getArg("timeouts", index),
        size: flags.getArg("sizes", index),
      },
      want,
      `${argv.join(" ")} [${index}]`,
    );
  };
  const defaults = { url: "", flag: false, count: 3, timeout: 60000, size: 0 };
  f([], 0, defaults);
  f([], 5, defaults);
  const one = ["-url=a", "-flags", "-counts=9", "-timeouts=5s", "-sizes=1KB"];
  f(one, 0, { url: "a", flag: true, count: 9, timeout: 5000, size: 1000 });
  f(one, 3, { url: "a", flag: true, count: 9, timeout: 5000, size: 1000 });
  const two = ["-url=a,b", "-flags=true,false", "-counts=9,8", "-timeouts=5s,6s", "-sizes=1KB,2KB"];
  f(two, 1, { url: "b", flag: false, count: 8, timeout: 6000, size: 2000 });
  f(two, 2, defaults);
});

Deno.test("parseFlags() expands %{VAR} placeholders in arguments", () => {
  const env: Record<string, string> = {
    HOST: "db",
    URLS: "http://a,http://b",
    FLAG: "-num=5",
    EMPTY: "",
    NESTED: "%{HOST}:9",
  };
  const flags = parse([
    "-str=http://%{HOST}/%{MISSING}",
    "-url=%{URLS}",
    "%{FLAG}",
    "%{EMPTY}", // an argument that expands to nothing is dropped
    "-pass=%{NESTED}",
  ], (n) => env[n]);
  assert.equal(flags.get("str"), "http://db/%{MISSING}");
  assert.deepEqual(flags.get("url"), ["http://a", "http://b"]);
  assert.equal(flags.get("num"), 5);
  assert.equal(flags.get("pass"), "db:9");
  // the dropped empty argument does not become a value for -str
  assert.equal(parse(["-str", "%{EMPTY}", "x"], (n) => env[n]).get("str"), "x");
});

Deno.test("parseFlags() prints help for -h and -help and exits 0", () => {
  for (const arg of ["-h", "-help", "--help", "--h"]) {
    const e = exitOf(() =>
      parseFlags(SPECS, ["-str=x", arg, "-bogus"], { summary: "\nsummary\n\n" })
    );
    assert.ok(!(e instanceof FlagError));
    assert.equal(e.exitCode, 0);
    assert.equal(e.stream, "stdout");
    assert.ok(e.output.startsWith("\nsummary\n\n  -addr array\n"), e.output);
    assert.match(e.output, /\n {2}-yes\n {4}\ta bool that defaults to true \(default true\)\n$/);
  }
  // -help=1 is help too, but only the exact spellings print the list
  const e = exitOf(() => parseFlags(SPECS, ["-help=1"], { summary: "S\n", program: "p" }));
  assert.equal(e.exitCode, 0);
  assert.equal(
    e.output,
    `S\nRun "p -help" in order to see the description for all the available flags\n`,
  );
});
