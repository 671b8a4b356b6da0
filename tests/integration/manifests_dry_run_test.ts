/**
 * The scrape config shipped in manifests/configmap.yaml passes our own `-dryRun`,
 * run through main.ts with the agent's permission set, as a user would check it.
 */
import assert from "node:assert/strict";
import { scrapeConfigText } from "../manifests/_manifests.ts";
import { runAgentToExit } from "./_agent_run.ts";
import { tempDir } from "./_peers.ts";

Deno.test("manifests: the ConfigMap's scrape config passes -dryRun", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/scrape.yml`;
  await Deno.writeTextFile(path, scrapeConfigText());
  // Bounded: a run that does not exit is killed after runAgentToExit's timeout.
  const got = await runAgentToExit(["-dryRun", `-promscrape.config=${path}`]);
  const output = got.stdout + got.stderr;
  assert.equal(got.code, 0, output);
  assert.match(output, /is valid: \d+ scrape configs/);
  assert.match(output, /kubernetes_sd_configs: role pod/);
});
