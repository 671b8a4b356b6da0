/**
 * The cluster page agrees with the targets API of the same member: targets of other members
 * are listed in `/api/v1/targets` `droppedTargets` (discovered labels only, as vmagent HEAD
 * lists them), and each member's own count on `/api/v1/cluster` is what it scrapes.
 */
import assert from "node:assert/strict";
import { clusterApiHandler } from "../../lib/server/cluster_page.ts";
import { targetsApiHandler } from "../../lib/server/targets_api.ts";
import { fixture } from "./_targets_fixture.ts";

const address = (t: { discoveredLabels: Record<string, string> }) => t.discoveredLabels.__address__;

Deno.test("targetsApiHandler() lists the targets of other members in droppedTargets, as /api/v1/cluster counts them", async () => {
  const f = async (membersCount: number, replicationFactor: number) => {
    const scraped = new Map<string, number>();
    let sharded = 0;
    for (let m = 0; m < membersCount; m++) {
      const fx = fixture({ membersCount, memberNum: `vmagent-${m}`, replicationFactor });
      const opts = { view: fx.manager, statusOf: fx.statusOf, now: fx.now };
      const targets = await targetsApiHandler(opts)(
        new Request("http://localhost/api/v1/targets"),
      ).json();
      const cluster = await clusterApiHandler(opts)(
        new Request("http://localhost/api/v1/cluster?targets=true"),
      ).json();
      const where = `N=${membersCount} rf=${replicationFactor} member ${m}`;
      const others = (cluster.data.targets as { members: number[]; labels: { instance: string } }[])
        .filter((t) => !t.members.includes(m));
      const dropped = targets.data.droppedTargets as { discoveredLabels: Record<string, string> }[];
      for (const d of dropped) assert.deepEqual(Object.keys(d), ["discoveredLabels"], where);
      // w1:80 is dropped by relabeling on every member; the rest belong to other members.
      const droppedAddresses = dropped.map(address).filter((a) => a !== "w1:80").sort();
      const othersAddresses = fx.manager.current().cluster
        .filter((t) => !t.members.includes(m))
        .map((t) => t.target.discoveredLabels.find((l) => l.name === "__address__")!.value)
        .map((a) => a.replace("s3cret", "xxxxx")) // the API masks passwords
        .sort();
      assert.deepEqual(droppedAddresses, othersAddresses, where);
      assert.equal(droppedAddresses.length, others.length, where);
      sharded += droppedAddresses.length;
      assert.equal(targets.data.activeTargets.length, cluster.data.members[m].targets, where);
      for (const t of targets.data.activeTargets as { labels: { instance: string } }[]) {
        scraped.set(t.labels.instance, (scraped.get(t.labels.instance) ?? 0) + 1);
      }
    }
    // Every target is scraped by exactly min(rf, N) members and listed as dropped by the others.
    const owners = Math.min(replicationFactor, membersCount);
    assert.equal(sharded, 4 * (membersCount - owners), `N=${membersCount} rf=${replicationFactor}`);
    assert.deepEqual(
      [...scraped.entries()].sort(),
      ["h1:1", "h2:1", "h3:1", "w2"].map((i) => [i, owners]),
      `N=${membersCount} rf=${replicationFactor}`,
    );
  };
  await f(2, 1);
  await f(3, 1);
  await f(3, 2);
  await f(4, 1);
});
