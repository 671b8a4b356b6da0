import assert from "node:assert/strict";
import {
  boolArrayFlag,
  boolFlag,
  bytesArrayFlag,
  bytesFlag,
  durationArrayFlag,
  durationFlag,
  floatFlag,
  formatHelp,
  intArrayFlag,
  intFlag,
  passwordFlag,
  stringArrayFlag,
  stringFlag,
} from "../../lib/flags/mod.ts";
import { formatFlagHelp } from "../../lib/flags/help.ts";

Deno.test("formatFlagHelp() follows Go's PrintDefaults layout for each kind", () => {
  const f = (name: string, spec: Parameters<typeof formatFlagHelp>[1], want: string) =>
    assert.equal(formatFlagHelp(name, spec), want, name);
  f("s", stringFlag("", "text"), "  -s string\n    \ttext\n");
  f("name", stringFlag("a b", "text"), `  -name string\n    \ttext (default "a b")\n`);
  f("x", boolFlag(false, "one letter"), "  -x\tone letter\n");
  f("on", boolFlag(true, "two"), "  -on\n    \ttwo (default true)\n");
  f("n", intFlag(0, "zero"), "  -n int\n    \tzero\n");
  f("n", intFlag(-3, "neg"), "  -n int\n    \tneg (default -3)\n");
  f("r", floatFlag(1e6, "big"), "  -r float\n    \tbig (default 1e+06)\n");
  f("d", durationFlag("90s", "wait"), "  -d duration\n    \twait (default 1m30s)\n");
  f("d", durationFlag("0", "none"), "  -d duration\n    \tnone\n");
  f(
    "b",
    bytesFlag(0, "size"),
    "  -b size\n    \tsize\n    \tAccepts the size suffixes KB, MB, GB, TB, KiB, MiB, GiB, TiB (default 0)\n",
  );
  f(
    "p",
    passwordFlag("key"),
    "  -p value\n    \tkey\n    \tThe value can be read from a file with -p=file:///abs/path or " +
      "-p=file://./relative/path, or from a URL with -p=http://host/path or -p=https://host/path\n",
  );
  f(
    "a",
    stringArrayFlag("list"),
    "  -a array\n    \tlist\n    \tAccepts an array: repeat the flag or separate items with commas.\n" +
      "    \tCommas inside single or double quotes, {}, [] and () do not split items.\n",
  );
  f(
    "a",
    boolArrayFlag("bools"),
    "  -a array\n    \tbools\n    \tAccepts an array: repeat the flag or separate items with commas.\n" +
      "    \tAn empty item means false.\n",
  );
  const arrayTail = "\n    \tAccepts an array: repeat the flag or separate items with commas.\n" +
    "    \tAn empty item takes the default value.\n";
  f(
    "q",
    intArrayFlag(8, "queues", { defaultHint: "2*cpus" }),
    "  -q array\n    \tqueues (default 8 = 2*cpus)" + arrayTail,
  );
  f(
    "t",
    durationArrayFlag("1m", "timeouts"),
    "  -t array\n    \ttimeouts (default 1m0s)" + arrayTail,
  );
  f(
    "m",
    bytesArrayFlag(0, "max"),
    "  -m array\n    \tmax\n    \tAccepts the size suffixes KB, MB, GB, TB, KiB, MiB, GiB, TiB (default 0)" +
      arrayTail,
  );
  // multi-line descriptions keep the indentation
  f("m", stringFlag("", "line1\nline2"), "  -m string\n    \tline1\n    \tline2\n");
});

Deno.test("formatHelp() prints the summary then flags in byte order", () => {
  const out = formatHelp({
    b: boolFlag(false, "b"),
    Z: boolFlag(false, "Z"),
    "a.b": boolFlag(false, "a.b"),
    aB: boolFlag(false, "aB"),
  }, { summary: "top\n" });
  assert.equal(out, "top\n  -Z\tZ\n  -a.b\n    \ta.b\n  -aB\n    \taB\n  -b\tb\n");
});
