import assert from "node:assert/strict";
import { StaticDiscoverer } from "../../lib/discovery/static.ts";
import type { DiscoveredGroup } from "../../lib/discovery/types.ts";

Deno.test("StaticDiscoverer.run() reports its groups at once and ends when aborted", async () => {
  const d = new StaticDiscoverer([
    { targets: ["a:1", "b:1"], labels: [["env", "prod"]] },
    { targets: [], labels: [] },
  ]);
  const updates: DiscoveredGroup[][] = [];
  const ac = new AbortController();
  const done = d.run((g) => updates.push(g), ac.signal);
  assert.deepEqual(updates, [[
    { targets: ["a:1", "b:1"], labels: [["env", "prod"]] },
    { targets: [], labels: [] },
  ]]);
  assert.equal(d.type, "static_configs");
  assert.equal(d.lastError(), "");
  ac.abort();
  await done;
  assert.equal(updates.length, 1);
});

Deno.test("StaticDiscoverer.run() reports nothing when already aborted", async () => {
  const ac = new AbortController();
  ac.abort();
  const updates: unknown[] = [];
  await new StaticDiscoverer([{ targets: ["a:1"], labels: [] }]).run(
    (g) => updates.push(g),
    ac.signal,
  );
  assert.deepEqual(updates, []);
});
