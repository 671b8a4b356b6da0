import assert from "node:assert/strict";
import { parseMemberNum, validateClusterOptions } from "../../lib/cluster/options.ts";

Deno.test("parseMemberNum() reads the number after the last dash with Go Atoi rules", () => {
  const f = (text: string, n: number, want: number) => assert.equal(parseMemberNum(text, n), want);
  f("0", 1, 0);
  f("2", 3, 2);
  f("vmagent-0", 3, 0);
  f("vmagent-2", 3, 2);
  f("vm-shard-1-2", 3, 2);
  f("-3", 4, 3);
  f("+1", 2, 1);
  f("pod-+1", 2, 1);
  f("007", 8, 7);
});

Deno.test("parseMemberNum() throws naming the flag and the value when the text is not a number", () => {
  const f = (text: string, wantPart: string) =>
    assert.throws(() => parseMemberNum(text, 3), (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.ok(e.message.includes("-promscrape.cluster.memberNum="), e.message);
      assert.ok(e.message.includes(JSON.stringify(text)), e.message);
      assert.ok(e.message.includes(wantPart), e.message);
      return true;
    });
  f("", "invalid syntax");
  f("abc", "invalid syntax");
  f("vmagent-", "invalid syntax");
  f("vmagent", "invalid syntax");
  f(" 1", "invalid syntax");
  f("1 ", "invalid syntax");
  f("1_0", "invalid syntax");
  f("0x1", "invalid syntax");
  f("+", "invalid syntax");
  f("1.0", "invalid syntax");
  f("99999999999999999999", "value out of range");
});

Deno.test("parseMemberNum() throws when the number is outside 0..membersCount-1", () => {
  const f = (text: string, n: number) =>
    assert.throws(
      () => parseMemberNum(text, n),
      (e: Error) =>
        e instanceof RangeError && e.message.includes(`[0..${n - 1}]`) &&
        e.message.includes(`-promscrape.cluster.membersCount=${n}`) &&
        e.message.includes(JSON.stringify(text)),
    );
  f("1", 1);
  f("vmagent-3", 3);
  f("9223372036854775807", 5);
});

Deno.test("validateClusterOptions() applies defaults, sorts shardByLabels and rejects bad counts", () => {
  assert.deepEqual(validateClusterOptions({}), {
    membersCount: 1,
    memberNum: 0,
    replicationFactor: 1,
    shardByLabels: [],
    memberURLTemplate: "",
    memberLabel: "",
    memberNumText: "0",
  });
  assert.deepEqual(
    validateClusterOptions({
      membersCount: 3,
      memberNum: "vmagent-2",
      replicationFactor: 2,
      shardByLabels: ["zone", "app"],
      memberURLTemplate: "http://vmagent-%d:8429/targets",
      memberLabel: "vmagent_member",
    }),
    {
      membersCount: 3,
      memberNum: 2,
      replicationFactor: 2,
      shardByLabels: ["app", "zone"],
      memberURLTemplate: "http://vmagent-%d:8429/targets",
      memberLabel: "vmagent_member",
      memberNumText: "vmagent-2",
    },
  );
  const f = (flags: Parameters<typeof validateClusterOptions>[0], want: string) =>
    assert.throws(() => validateClusterOptions(flags), (e: Error) => e.message.includes(want));
  f({ membersCount: 0 }, "-promscrape.cluster.membersCount can't be lower than 1: got 0");
  f({ membersCount: -2 }, "got -2");
  f({ membersCount: 2, memberNum: "2" }, "-promscrape.cluster.memberNum");
  f({ membersCount: 2, memberNum: "x-y" }, "invalid syntax");
});

Deno.test("validateClusterOptions() reports errors in vmagent's order: memberNum syntax, membersCount, range", () => {
  const f = (flags: Parameters<typeof validateClusterOptions>[0], want: string) =>
    assert.throws(() => validateClusterOptions(flags), (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.equal(e.message, want);
      return true;
    });
  f(
    { membersCount: 0, memberNum: "vmagent-x" },
    'cannot parse -promscrape.cluster.memberNum="vmagent-x": strconv.Atoi: parsing "x": invalid syntax',
  );
  f(
    { membersCount: 0, memberNum: "vmagent-5" },
    "-promscrape.cluster.membersCount can't be lower than 1: got 0",
  );
  f(
    { membersCount: 3, memberNum: "vmagent-5" },
    '-promscrape.cluster.memberNum="vmagent-5" (member 5) must be in the range [0..2] ' +
      "according to -promscrape.cluster.membersCount=3",
  );
  f(
    { memberNum: "1" },
    '-promscrape.cluster.memberNum="1" (member 1) must be in the range [0..0] ' +
      "according to -promscrape.cluster.membersCount=1",
  );
});
