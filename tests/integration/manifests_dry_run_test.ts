/**
 * The scrape config shipped in manifests/configmap.yaml passes our own `-dryRun`,
 * run through main.ts with the agent's permission set, as a user would check it.
 */
import assert from "node:assert/strict";
import { scrapeConfigText } from "../manifests/_manifests.ts";
import { startAgent, tempDir } from "./_peers.ts";

Deno.test("manifests: the ConfigMap's scrape config passes -dryRun", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/scrape.yml`;
  await Deno.writeTextFile(path, scrapeConfigText());
  const proc = startAgent(["-dryRun", `-promscrape.config=${path}`]);
  const status = await proc.status;
  assert.equal(status.code, 0, proc.output());
  assert.match(proc.output(), /is valid: \d+ scrape configs/);
  assert.match(proc.output(), /kubernetes_sd_configs: role pod/);
});
