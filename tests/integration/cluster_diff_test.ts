/**
 * Differential test of cluster sharding: Debian's vmagent 1.79.5 as members
 * 0..N-1 and our agent as members 0..N-1 on the same plain config with hundreds
 * of varied targets. Each of our members must hold exactly the targets that
 * vmagent's member of the same number holds. The config is "plain" (no
 * external_labels, no relabeling that creates labels), where the reference says
 * the v1.79.5 and current keys are byte-identical.
 *
 * Then one member of ours end to end, its number given as a StatefulSet pod name through
 * `VM_promscrape_cluster_memberNum`: it scrapes only its own targets, labels every series it
 * sends with `-promscrape.cluster.memberLabel`, lists the other members' targets as dropped
 * (`/api/v1/targets`, `/service-discovery` with links) and counts them on `/api/v1/cluster`;
 * bad member numbers from the environment stop it at start-up.
 */
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { havePeers, tempDir, tryGetText, waitFor } from "./_peers.ts";
import {
  agentMetric,
  assertNoStackTrace,
  runAgentToExit,
  startLiveAgent,
  startTestReceiver,
  startTestTarget,
  type TestTarget,
} from "./_agent_run.ts";
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

Deno.test({
  name: "cluster: a member named vmagent-1 through VM_promscrape_cluster_memberNum scrapes " +
    "only its targets and labels every series",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using dir = await tempDir();
    await using recv = startTestReceiver();
    const targets: TestTarget[] = [];
    try {
      for (let i = 0; i < 16; i++) targets.push(startTestTarget());
      const configPath = `${dir.path}/scrape.yml`;
      await Deno.writeTextFile(
        configPath,
        stringify({
          scrape_configs: [{
            job_name: "e2e",
            scrape_interval: "1s",
            static_configs: [{ targets: targets.map((t) => t.address) }],
          }],
        }),
      );
      await using agent = await startLiveAgent([
        "-envflag.enable",
        "-envflag.prefix=VM_",
        `-promscrape.config=${configPath}`,
        "-promscrape.cluster.membersCount=2",
        "-promscrape.cluster.memberLabel=vmagent_member",
        "-promscrape.cluster.memberURLTemplate=http://vmagent-%d.test:8429/targets",
        `-remoteWrite.url=${recv.url}`,
        "-remoteWrite.flushInterval=100ms",
        `-remoteWrite.tmpDataPath=${dir.path}/rw`,
      ], { env: { VM_promscrape_cluster_memberNum: "vmagent-1" } });

      const cluster = await waitFor(
        "/api/v1/cluster to list the 16 targets",
        async () => {
          const text = await tryGetText(`${agent.base}/api/v1/cluster?targets=true`);
          const data = text === undefined ? undefined : JSON.parse(text).data;
          return data?.targetsTotal === 16 ? data : undefined;
        },
        30_000,
        200,
      );
      assert.equal(cluster.memberNum, 1);
      assert.equal(cluster.membersCount, 2);
      const ownerOf = new Map<string, number[]>(
        (cluster.targets as { labels: { instance: string }; members: number[] }[])
          .map((t) => [t.labels.instance, t.members]),
      );
      const mine = targets.filter((t) => ownerOf.get(t.address)?.[0] === 1);
      const others = targets.filter((t) => ownerOf.get(t.address)?.[0] === 0);
      assert.equal(mine.length + others.length, 16);
      assert.ok(mine.length > 0 && others.length > 0, "16 targets spread over both members");
      assert.deepEqual(
        cluster.members.map((m: { targets: number }) => m.targets),
        [others.length, mine.length],
      );

      // Each of this member's targets is scraped and its series arrive; the others never are.
      await waitFor(
        "a scraped gauge from each of this member's targets",
        () => {
          const got = new Set(
            recv.series.filter((s) =>
              s.labels.some((l) => l.name === "__name__" && l.value === "agent_test_gauge")
            ).map((s) => s.labels.find((l) => l.name === "instance")?.value),
          );
          return mine.every((t) => got.has(t.address) && t.requests() > 0) ? true : undefined;
        },
        30_000,
        200,
      );
      for (const t of others) assert.equal(t.requests(), 0, `${t.address} belongs to member 0`);
      for (const s of recv.series) {
        const labels = Object.fromEntries(s.labels.map((l) => [l.name, l.value]));
        assert.equal(labels.vmagent_member, "vmagent-1", JSON.stringify(labels));
        assert.ok(
          mine.some((t) => t.address === labels.instance),
          `a series of a target of member 0: ${JSON.stringify(labels)}`,
        );
      }

      // The other member's targets are dropped for sharding, with links to their owner.
      const api = JSON.parse((await tryGetText(`${agent.base}/api/v1/targets`))!).data;
      assert.deepEqual(
        api.activeTargets.map((t: { labels: { instance: string } }) => t.labels.instance).sort(),
        mine.map((t) => t.address).sort(),
      );
      assert.deepEqual(
        api.droppedTargets.map((t: { discoveredLabels: { __address__: string } }) =>
          t.discoveredLabels.__address__
        ).sort(),
        others.map((t) => t.address).sort(),
      );
      const sd = (await tryGetText(`${agent.base}/service-discovery`))!;
      assert.equal(sd.split("DROPPED (sharding)").length - 1, others.length);
      assert.ok(
        sd.includes('<a href="http://vmagent-0.test:8429/targets" target="_blank">shard-0</a>'),
      );
      assert.equal(await agentMetric(agent.base, "vmagent_cluster_member_num"), 1);
      assert.equal(await agentMetric(agent.base, "vmagent_cluster_members_count"), 2);
    } finally {
      for (const t of targets) await t[Symbol.asyncDispose]();
    }
  },
});

Deno.test({
  name: "cluster: a bad VM_promscrape_cluster_memberNum stops the agent at start-up",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const f = async (memberNum: string, want: string) => {
      const got = await runAgentToExit(
        ["-envflag.enable", "-envflag.prefix=VM_", "-promscrape.cluster.membersCount=3"],
        { env: { VM_promscrape_cluster_memberNum: memberNum } },
      );
      const all = `${JSON.stringify(memberNum)}\n${got.stdout}\n${got.stderr}`;
      assert.equal(got.code, 1, all);
      assert.equal(got.stderr.split("\n")[0], `cannot start vmagent-deno: ${want}`, all);
      assertNoStackTrace(got.stdout + got.stderr);
    };
    await f(
      "vmagent-x",
      'cannot parse -promscrape.cluster.memberNum="vmagent-x": strconv.Atoi: parsing "x": invalid syntax',
    );
    await f(
      "",
      'cannot parse -promscrape.cluster.memberNum="": strconv.Atoi: parsing "": invalid syntax',
    );
    await f(
      "vmagent-3",
      '-promscrape.cluster.memberNum="vmagent-3" (member 3) must be in the range [0..2] ' +
        "according to -promscrape.cluster.membersCount=3",
    );
  },
});
