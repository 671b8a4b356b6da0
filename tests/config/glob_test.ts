import assert from "node:assert/strict";
import { type GlobOptions, globPaths, matchGlob } from "../../lib/config/glob.ts";

Deno.test("matchGlob() matches like Go's filepath.Match", () => {
  const f = (pattern: string, name: string, want: boolean) =>
    assert.equal(matchGlob(pattern, name), want, `${pattern} ~ ${name}`);
  f("*.yml", "a.yml", true);
  f("*.yml", ".hidden.yml", true);
  f("*.yml", "a.yaml", false);
  f("*", "", true);
  f("*", "a/b", false);
  f("a?c", "abc", true);
  f("a?c", "a/c", false);
  f("job[0-9].yml", "job7.yml", true);
  f("job[0-9].yml", "jobx.yml", false);
  f("job[^0-9].yml", "jobx.yml", true);
  f("job[^0-9].yml", "job1.yml", false);
  f("[z-a]", "b", false);
  f("[^z-a]", "b", true);
  f("[\\]]", "]", true);
  f("\\*", "*", true);
  f("\\*", "a", false);
  f("a.b", "axb", false);
  f("(a|b)+", "(a|b)+", true);
  f("ü?", "üé", true);
});

Deno.test("matchGlob() throws RangeError on malformed patterns", () => {
  const f = (pattern: string) => assert.throws(() => matchGlob(pattern, "x"), RangeError, pattern);
  f("[");
  f("[]");
  f("[a-");
  f("[a-c-]");
  f("[a");
  f("a\\");
});

const tree = (paths: string[]): GlobOptions => ({
  readDir: (dir) => {
    const prefix = dir === "/" ? "/" : dir + "/";
    const names = new Set<string>();
    for (const p of paths) {
      if (p.startsWith(prefix)) names.add(p.slice(prefix.length).split("/")[0]);
    }
    return names.size > 0 ? Promise.resolve([...names]) : Promise.reject(new Error("ENOTDIR"));
  },
  exists: (p) => Promise.resolve(paths.some((x) => x === p || x.startsWith(p + "/"))),
});

Deno.test("globPaths() expands patterns into sorted existing paths", async () => {
  const fs = tree([
    "/etc/a/jobs/z.yml",
    "/etc/a/jobs/b.yml",
    "/etc/a/jobs/c.json",
    "/etc/b/jobs/a.yml",
    "/etc/c/other/x.yml",
    "/top.yml",
    "rel/r1.yml",
  ]);
  const f = async (pattern: string, want: string[]) =>
    assert.deepEqual(await globPaths(pattern, fs), want, pattern);
  await f("/etc/a/jobs/*.yml", ["/etc/a/jobs/b.yml", "/etc/a/jobs/z.yml"]);
  await f("/etc/*/jobs/*.yml", ["/etc/a/jobs/b.yml", "/etc/a/jobs/z.yml", "/etc/b/jobs/a.yml"]);
  await f("/etc/a/jobs/?.json", ["/etc/a/jobs/c.json"]);
  await f("/etc/a/jobs/b.yml", ["/etc/a/jobs/b.yml"]);
  await f("/etc/a/jobs/none.yml", []);
  await f("/missing/*.yml", []);
  await f("/*.yml", ["/top.yml"]);
  await f("rel/*.yml", ["rel/r1.yml"]);
  await assert.rejects(() => globPaths("/etc/[", fs), RangeError);
});

Deno.test("globPaths() reads a real folder by default", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/b.yml`, "");
    await Deno.writeTextFile(`${dir}/a.yml`, "");
    await Deno.writeTextFile(`${dir}/c.txt`, "");
    assert.deepEqual(await globPaths(`${dir}/*.yml`), [`${dir}/a.yml`, `${dir}/b.yml`]);
    assert.deepEqual(await globPaths(`${dir}/c.txt`), [`${dir}/c.txt`]);
    assert.deepEqual(await globPaths(`${dir}/d.txt`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
