/**
 * Differential test of cluster sharding: Debian's vmagent 1.79.5 as members
 * 0..N-1 and our agent as members 0..N-1 on the same plain config with hundreds
 * of varied targets. Each of our members must hold exactly the targets that
 * vmagent's member of the same number holds. The config is "plain" (no
 * external_labels, no relabeling that creates labels), where the reference says
 * the v1.79.5 and current keys are byte-identical.
 */
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { havePeers, tempDir } from "./_peers.ts";
import {
  canonicalActive,
  type RunningAgent,
  settledTargets,
  startOurs,
  startVmagent,
  stopAll,
} from "./_agents.ts";

/** Builds a config of 4 jobs with 300 targets in all: params, per-job intervals, static labels. */
function plainConfig(): { yaml: string; total: number } {
  const jobs = [];
  let total = 0;
  const shapes = [
    { job: "node", interval: undefined, params: undefined, path: undefined },
    { job: "app-15s", interval: "15s", params: { module: ["http_2xx"] }, path: "/probe" },
    { job: "db", interval: "90s", params: { collect: ["a", "b"], x: ["1"] }, path: undefined },
    { job: "edge", interval: "5m", params: undefined, path: "/federate" },
  ];
  for (const [j, shape] of shapes.entries()) {
    const groups = [];
    for (let g = 0; g < 5; g++) {
      const targets = [];
      for (let t = 0; t < 15; t++) {
        // Closed ports on loopback: the scrapes fail fast, discovery is what is compared.
        targets.push(`127.0.${j}.${g * 15 + t + 1}:${9100 + ((g * 7 + t) % 13)}`);
        total++;
      }
      groups.push({ targets, labels: g % 2 === 0 ? { zone: `z${g}`, team: `t${j}` } : {} });
    }
    jobs.push({
      job_name: shape.job,
      ...(shape.interval ? { scrape_interval: shape.interval } : {}),
      ...(shape.params ? { params: shape.params } : {}),
      ...(shape.path ? { metrics_path: shape.path } : {}),
      static_configs: groups,
    });
  }
  return { yaml: stringify({ scrape_configs: jobs }), total };
}

async function runCluster(membersCount: number, replicationFactor: number): Promise<void> {
  await using dir = await tempDir();
  const { yaml, total } = plainConfig();
  const configPath = `${dir.path}/scrape.yml`;
  await Deno.writeTextFile(configPath, yaml);
  const agents: RunningAgent[] = [];
  try {
    for (let m = 0; m < membersCount; m++) {
      const clusterArgs = [
        `-promscrape.cluster.membersCount=${membersCount}`,
        `-promscrape.cluster.replicationFactor=${replicationFactor}`,
      ];
      agents.push(startVmagent({
        configPath,
        tmpDir: dir.path,
        args: [...clusterArgs, `-promscrape.cluster.memberNum=${m}`],
      }, `vm${m}`));
      // Ours gets its member number as a StatefulSet pod name through the environment.
      agents.push(startOurs({
        configPath,
        tmpDir: dir.path,
        args: [...clusterArgs, "-envflag.enable", "-envflag.prefix=VM_"],
        env: { VM_promscrape_cluster_memberNum: `vmagent-${m}` },
      }, `ours${m}`));
    }
    let union = 0;
    for (let m = 0; m < membersCount; m++) {
      const theirs = canonicalActive((await settledTargets(agents[2 * m])).activeTargets);
      const ours = canonicalActive((await settledTargets(agents[2 * m + 1])).activeTargets);
      assert.ok(theirs.length > 0, `vmagent member ${m} holds no targets`);
      assert.deepEqual(
        ours,
        theirs,
        `member ${m}/${membersCount} rf=${replicationFactor}: our targets differ from vmagent's`,
      );
      union += ours.length;
    }
    assert.equal(union, total * Math.min(replicationFactor, membersCount));
  } finally {
    await stopAll(agents);
  }
}

for (const [n, rf] of [[3, 1], [3, 2], [5, 1], [5, 2]]) {
  Deno.test({
    name: `cluster: each of ${n} members (rf=${rf}) holds exactly vmagent 1.79.5's targets`,
    ignore: !havePeers("vmagent"),
    sanitizeOps: false,
    sanitizeResources: false,
    fn: () => runCluster(n, rf),
  });
}
