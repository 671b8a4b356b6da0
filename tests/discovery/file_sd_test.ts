import assert from "node:assert/strict";
import {
  denoFileSystem,
  FileSDDiscoverer,
  type FileSDFileSystem,
  parseFileSD,
} from "../../lib/discovery/file_sd.ts";
import type { DiscoveredGroup } from "../../lib/discovery/types.ts";
import type { Logger } from "../../lib/util/log.ts";

const TESTDATA = new URL("../testdata/discovery/", import.meta.url);

/** An in-memory file system: path -> text, or an Error to throw on read. */
function memFs(files: Map<string, string | Error>): FileSDFileSystem {
  return {
    readTextFile: (path) => {
      const v = files.get(path);
      if (v === undefined) {
        return Promise.reject(new Deno.errors.NotFound(`open ${path}: no such file`));
      }
      if (v instanceof Error) return Promise.reject(v);
      return Promise.resolve(v);
    },
    readDir: (dir) => {
      const names = new Set<string>();
      for (const p of files.keys()) {
        if (p.startsWith(dir + "/")) names.add(p.slice(dir.length + 1).split("/")[0]);
      }
      if (names.size === 0) return Promise.reject(new Deno.errors.NotFound(dir));
      return Promise.resolve([...names]);
    },
  };
}

function memLog(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, info: () => {}, warn: () => {}, error: (m) => errors.push(m) };
}

Deno.test("parseFileSD() reads YAML and JSON groups, sorts labels and appends __meta_filepath", async () => {
  const f = (text: string, want: DiscoveredGroup[]) =>
    assert.deepEqual(parseFileSD(text, "t.yml"), want);
  f("", []);
  f("[]", []);
  f(
    await Deno.readTextFile(new URL("file_sd_good.json", TESTDATA)),
    [
      {
        targets: ["10.0.1.1:8080"],
        labels: [["env", "dev"], ["team", "a"], ["__meta_filepath", "t.yml"]],
      },
      { targets: [], labels: [["empty", "yes"], ["__meta_filepath", "t.yml"]] },
    ],
  );
  // Non-string scalars keep their text, as Go's YAML decoder gives them to string fields.
  f(
    "- targets: [a:1, 2]\n  labels: {v: 1.10, b: true, n: null}\n",
    [{
      targets: ["a:1", "2"],
      labels: [["b", "true"], ["n", ""], ["v", "1.10"], ["__meta_filepath", "t.yml"]],
    }],
  );
  f("- labels: {a: b}\n", [{ targets: [], labels: [["a", "b"], ["__meta_filepath", "t.yml"]] }]);
});

Deno.test("parseFileSD() rejects what vmagent's strict decoding rejects", () => {
  const f = (text: string, want: RegExp) => assert.throws(() => parseFileSD(text, "t"), want);
  f("- targets: [a]\n  lables: {a: b}\n", /unknown field "lables"/);
  f("{targets: [a]}", /expecting a list/);
  f("- targets: a\n", /must be a list/);
  f("- labels: [a]\n", /must be a map/);
  f("- targets: [a]\n  targets: [b]\n", /cannot parse YAML/);
  f("- targets: [[a]]\n", /expecting a string/);
  f('[{"targets": ["a"]', /cannot parse YAML/);
});

Deno.test("parseFileSD() names the line, column and entry of what it rejects", () => {
  const f = (text: string, want: string) =>
    assert.throws(() => parseFileSD(text, "t"), (e: unknown) => {
      assert.equal((e as Error).message, want);
      return true;
    });
  f(
    "- targets: [a]\n\n- targets: [b]\n  lables: {a: b}\n",
    'line 4, column 3: entry #2: unknown field "lables"; supported: targets, labels',
  );
  f(
    "- targets: [a]\n  targets: [b]\n",
    "line 2, column 3: cannot parse YAML: Map keys must be unique",
  );
  f("a: b\n", "line 1, column 1: expecting a list of target groups");
  f("- x\n", "line 1, column 3: entry #1: expecting a map with `targets` and `labels`");
  f("- targets: a\n", "line 1, column 12: entry #1: `targets` must be a list of strings");
  f("- labels: [a]\n", "line 1, column 11: entry #1: `labels` must be a map of strings");
  f("- targets: [a, [b]]\n", "line 1, column 16: entry #1: targets: expecting a string");
  f("- labels: {x: [1]}\n", "line 1, column 15: entry #1: label x: expecting a string");
});

Deno.test("FileSDDiscoverer.refresh() expands %{ENV} and makes __meta_filepath relative to the config folder", async () => {
  const yml = await Deno.readTextFile(new URL("file_sd_good.yml", TESTDATA));
  const fs = memFs(
    new Map([["/etc/vmagent/sd/a.yml", yml], ["/other/b.json", "[{targets: [x:1]}]"]]),
  );
  const d = new FileSDDiscoverer({ files: ["/etc/vmagent/sd/a.yml", "/other/b.json"] }, {
    baseDir: "/etc/vmagent",
    fs,
    lookupEnv: (name) => (name === "FILE_SD_DC" ? "eu1" : undefined),
    log: memLog(),
  });
  assert.deepEqual(await d.refresh(), [
    {
      targets: ["10.0.0.1:9100", "10.0.0.2:9100"],
      labels: [["dc", "eu1"], ["env", "prod"], ["version", "1.10"], [
        "__meta_filepath",
        "sd/a.yml",
      ]],
    },
    { targets: ["10.0.0.3:9100"], labels: [["__meta_filepath", "sd/a.yml"]] },
    { targets: ["x:1"], labels: [["__meta_filepath", "/other/b.json"]] },
  ]);
  assert.equal(d.lastError(), "");
});

Deno.test("FileSDDiscoverer.refresh() expands globs in sorted order and forgets files no longer matched", async () => {
  const files = new Map<string, string | Error>([
    ["/sd/b.json", '[{"targets": ["b:1"]}]'],
    ["/sd/a.json", '[{"targets": ["a:1"]}]'],
    ["/sd/c.yml", "- targets: [c:1]"],
  ]);
  const d = new FileSDDiscoverer({ files: ["/sd/*.json"] }, {
    baseDir: "/",
    fs: memFs(files),
    log: memLog(),
  });
  const targetsOf = (gs: DiscoveredGroup[]) => gs.flatMap((g) => g.targets);
  assert.deepEqual(targetsOf(await d.refresh()), ["a:1", "b:1"]);
  files.delete("/sd/a.json");
  assert.deepEqual(targetsOf(await d.refresh()), ["b:1"]);
  assert.equal(d.lastError(), "");
});

Deno.test("FileSDDiscoverer keeps the last good groups of a file that breaks, logs once and exposes the error", async () => {
  const files = new Map<string, string | Error>([["/sd/t.yml", "- targets: [a:1]\n"]]);
  const log = memLog();
  const d = new FileSDDiscoverer({ files: ["/sd/t.yml"] }, {
    baseDir: "/sd",
    fs: memFs(files),
    log,
  });
  const good = await d.refresh();
  assert.deepEqual(good, [{ targets: ["a:1"], labels: [["__meta_filepath", "t.yml"]] }]);
  files.set("/sd/t.yml", "- targets: [a:1\n");
  assert.deepEqual(await d.refresh(), good);
  assert.deepEqual(await d.refresh(), good);
  assert.equal(log.errors.length, 1, "the same error is logged once");
  assert.match(
    log.errors[0],
    /^skipping file \/sd\/t\.yml for job_name= at `file_sd_configs` because of error: /,
  );
  assert.match(d.lastError(), /keeping the 1 target groups read from it before/);
  files.set("/sd/t.yml", new Deno.errors.PermissionDenied("permission denied"));
  assert.deepEqual(await d.refresh(), good);
  assert.match(d.lastError(), /permission denied/);
  files.set("/sd/t.yml", "- targets: [b:2]\n");
  assert.deepEqual((await d.refresh()).flatMap((g) => g.targets), ["b:2"]);
  assert.equal(d.lastError(), "");
});

Deno.test("FileSDDiscoverer reports nothing for a missing file until it appears", async () => {
  const files = new Map<string, string | Error>();
  const d = new FileSDDiscoverer({ files: ["/sd/t.yml"] }, { fs: memFs(files), log: memLog() });
  assert.deepEqual(await d.refresh(), []);
  assert.match(d.lastError(), /no such file/);
});

Deno.test("FileSDDiscoverer.run() reports the first list, then only changes, once per check interval", async () => {
  const files = new Map<string, string | Error>([["/sd/t.yml", "- targets: [a:1]\n"]]);
  const updates: string[][] = [];
  const ticks: (() => void)[] = [];
  const intervals: number[] = [];
  const d = new FileSDDiscoverer({ files: ["/sd/t.yml"] }, {
    fs: memFs(files),
    log: memLog(),
    checkInterval: 30_000,
    sleep: (ms, signal) => {
      intervals.push(ms);
      return new Promise((resolve) => {
        ticks.push(resolve);
        signal.addEventListener("abort", () => resolve(), { once: true });
      });
    },
  });
  const ac = new AbortController();
  const done = d.run((groups) => updates.push(groups.flatMap((g) => g.targets)), ac.signal);
  // Waits (a bounded number of turns) until run() sleeps, then ends that sleep.
  const tick = async () => {
    for (let i = 0; i < 1000 && ticks.length === 0; i++) await new Promise((r) => setTimeout(r, 0));
    assert.ok(ticks.length > 0, "run() did not sleep");
    ticks.shift()!();
  };
  await tick(); // no change
  files.set("/sd/t.yml", "- targets: [a:1, b:2]\n");
  await tick();
  await tick();
  for (let i = 0; i < 1000 && ticks.length === 0; i++) await new Promise((r) => setTimeout(r, 0));
  ac.abort();
  await done;
  assert.deepEqual(updates, [["a:1"], ["a:1", "b:2"]]);
  assert.ok(intervals.every((ms) => ms === 30_000));
});

Deno.test("FileSDDiscoverer logs and exposes errors of http(s) file entries without their secrets", async () => {
  const url = "https://admin:s3cret@sd.example.com/targets.json?token=t0ken";
  const files = new Map<string, string | Error>([
    [url, new Error(`cannot fetch ${url}: error sending request for url (${url})`)],
  ]);
  const log = memLog();
  const d = new FileSDDiscoverer({ files: [url] }, { fs: memFs(files), log });
  assert.deepEqual(await d.refresh(), []);
  assert.equal(log.errors.length, 1);
  for (const text of [log.errors[0], d.lastError()]) {
    assert.doesNotMatch(text, /s3cret|t0ken/);
    assert.match(
      text,
      /^skipping file https:\/\/admin:\*\*\*@sd\.example\.com\/targets\.json\?token=\*\*\* for job_name= /,
    );
  }
});

Deno.test("denoFileSystem.readTextFile() leaves secrets out of fetch and status errors", async () => {
  const url = "http://admin:s3cret@sd.example.com/targets.json?token=t0ken";
  const f = async (fake: typeof fetch, want: RegExp) => {
    const real = globalThis.fetch;
    globalThis.fetch = fake;
    try {
      const e = await denoFileSystem.readTextFile(url).then(() => undefined, (e) => e as Error);
      assert.ok(e instanceof Error, "readTextFile() must fail");
      assert.doesNotMatch(e.message, /s3cret|t0ken/);
      assert.match(e.message, want);
    } finally {
      globalThis.fetch = real;
    }
  };
  await f(
    () =>
      Promise.reject(
        new TypeError("fetch failed", {
          cause: new Error(`error sending request for url (${url.replace("admin:s3cret@", "")})`),
        }),
      ),
    /^cannot fetch "http:\/\/admin:\*\*\*@sd\.example\.com\/targets\.json\?token=\*\*\*": fetch failed: error sending request for url \(http:\/\/sd\.example\.com\/targets\.json\?token=\*\*\*\)$/,
  );
  await f(
    () => Promise.resolve(new Response("forbidden", { status: 403 })),
    /^unexpected status code 403 when reading http:\/\/admin:\*\*\*@sd\.example\.com\/targets\.json\?token=\*\*\*$/,
  );
});
