/**
 * End to end: how the agent treats its command line and environment at start-up:
 * `-version`, `-help`, unknown flags, bad values, bad cluster flags, missing and broken
 * config files, and envflag cluster settings on a running agent. Every failure is a short
 * message with a non-zero exit code, never a stack trace.
 */
import assert from "node:assert/strict";
import {
  AGENT_TESTDATA,
  type AgentExit,
  agentMetric,
  assertNoStackTrace,
  runAgentToExit,
  startLiveAgent,
} from "./_agent_run.ts";
import { tryGetText } from "./_peers.ts";

interface Want {
  code: number;
  /** The first line printed (stdout, where vmagent puts flag errors, or stderr), exactly. */
  firstLine?: string;
  stdout?: RegExp;
  stderr?: RegExp;
  /** At most this many lines printed in all. */
  maxLines?: number;
}

/** Runs `fns` with at most `limit` at once (each case starts a Deno process). */
async function limited<T>(fns: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(fns.length);
  let next = 0;
  const worker = async () => {
    while (next < fns.length) {
      const i = next++;
      results[i] = await fns[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, fns.length) }, worker));
  return results;
}

Deno.test({
  name: "main.ts exits with vmagent's code and a short message on each command-line case",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const cases: { name: string; args: string[]; env?: Record<string, string>; want: Want }[] = [];
    const f = (name: string, args: string[], want: Want, env?: Record<string, string>) =>
      cases.push({ name, args, want, env });

    f("-version prints the version", ["-version"], {
      code: 0,
      stdout: /^vmagent-deno-v\d+\.\d+\.\d+\n$/,
    });
    f("-help lists the flags", ["-help"], {
      code: 0,
      stdout:
        /^ {2}-promscrape\.cluster\.memberNum string$[\s\S]*^ {2}-promscrape\.config string$[\s\S]*^ {2}-remoteWrite\.url array$/m,
    });
    f("an unknown flag is named with the nearest flag", ["-promscrape.confg=x.yml"], {
      code: 2,
      firstLine:
        "flag provided but not defined: -promscrape.confg; did you mean -promscrape.config?",
      maxLines: 10,
    });
    f("an unknown flag with no near flag is named", ["-no.such.flag=1"], {
      code: 2,
      firstLine: "flag provided but not defined: -no.such.flag",
      maxLines: 10,
    });
    f("a bad duration is one line", ["-remoteWrite.flushInterval=abc"], {
      code: 2,
      firstLine: 'invalid value "abc" for flag -remoteWrite.flushInterval: parse error',
      maxLines: 10,
    });
    f("a bad bool is one line", ["-promscrape.config.strictParse=maybe"], {
      code: 2,
      firstLine: 'invalid boolean value "maybe" for -promscrape.config.strictParse: parse error',
      maxLines: 10,
    });
    f("left-over arguments are rejected", ["-dryRun", "extra"], {
      code: 1,
      stderr: /^unprocessed command-line args left: \[extra\]/,
    });
    f(
      "a bad value from an envflag variable names the variable",
      ["-envflag.enable", "-envflag.prefix=VM_"],
      {
        code: 1,
        firstLine:
          'cannot set flag remoteWrite.flushInterval to "abc", which is read from env var "VM_remoteWrite_flushInterval": parse error',
      },
      { VM_remoteWrite_flushInterval: "abc" },
    );
    f("a memberNum that is not a number fails", ["-promscrape.cluster.memberNum=abc"], {
      code: 1,
      firstLine:
        'cannot start vmagent-deno: cannot parse -promscrape.cluster.memberNum="abc": strconv.Atoi: parsing "abc": invalid syntax',
    });
    f(
      "a memberNum outside membersCount fails",
      ["-promscrape.cluster.memberNum=vmagent-7", "-promscrape.cluster.membersCount=3"],
      {
        code: 1,
        firstLine:
          'cannot start vmagent-deno: -promscrape.cluster.memberNum="vmagent-7" (member 7) must be in the range [0..2] according to -promscrape.cluster.membersCount=3',
      },
    );
    f("membersCount=0 fails", ["-promscrape.cluster.membersCount=0"], {
      code: 1,
      firstLine:
        "cannot start vmagent-deno: -promscrape.cluster.membersCount can't be lower than 1: got 0",
    });
    // vmagent takes the text after the last "-", so "-1" is member 1, as "vmagent-1" is.
    f(
      "memberNum=-1 is member 1",
      [
        "-promscrape.cluster.memberNum=-1",
        "-promscrape.cluster.membersCount=3",
        "-dryRun",
        `-promscrape.config=${AGENT_TESTDATA}/valid.yml`,
      ],
      { code: 0, stdout: /^cluster: member 1 of 3, replication factor 1$/m },
    );
    f("a missing config file fails", [`-promscrape.config=${AGENT_TESTDATA}/missing.yml`], {
      code: 1,
      firstLine:
        `cannot start vmagent-deno: ${AGENT_TESTDATA}/missing.yml: cannot read Prometheus config: No such file or directory (os error 2): readfile '${AGENT_TESTDATA}/missing.yml'`,
    });
    f("a bad regex is reported at file:line:column with its path", [
      `-promscrape.config=${AGENT_TESTDATA}/bad_regex.yml`,
    ], {
      code: 1,
      firstLine:
        `cannot start vmagent-deno: ${AGENT_TESTDATA}/bad_regex.yml:10:12: scrape_configs[0].relabel_configs[1].regex: cannot parse \`regex\` "^(?:foo(bar)$": error parsing regexp: missing closing ): \`^(?:foo(bar)$\``,
    });
    f("an unknown config field is reported at file:line:column", [
      `-promscrape.config=${AGENT_TESTDATA}/bad_field.yml`,
    ], {
      code: 1,
      stderr:
        /^cannot start vmagent-deno: .*\/bad_field\.yml:5:3: scrape_configs\[0\]\.scrap_timeout: unknown field "scrap_timeout"/,
    });
    f("a listen address without a port fails", ["-httpListenAddr=nohost"], {
      code: 1,
      stderr: /^cannot start vmagent-deno: .*"nohost".*missing port in address$/m,
    });

    const results = await limited(
      cases.map((c) => () =>
        runAgentToExit(c.args, { env: c.env }).then((r): [typeof c, AgentExit] => [c, r])
      ),
      3,
    );
    for (const [c, got] of results) {
      const all = `${c.name}\n--- stdout ---\n${got.stdout}\n--- stderr ---\n${got.stderr}`;
      const { want } = c;
      assert.equal(got.code, want.code, all);
      const lines = (got.stdout + got.stderr).split("\n").filter((l) => l !== "");
      if (want.firstLine !== undefined) assert.equal(lines[0], want.firstLine, all);
      if (want.stdout) assert.match(got.stdout, want.stdout, all);
      if (want.stderr) assert.match(got.stderr, want.stderr, all);
      if (want.maxLines !== undefined) assert.ok(lines.length <= want.maxLines, all);
      assertNoStackTrace(got.stdout + got.stderr);
    }
  },
});

Deno.test({
  name: "main.ts fails with the address when -httpListenAddr is taken",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    using l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const addr = `127.0.0.1:${l.addr.port}`;
    const got = await runAgentToExit([`-httpListenAddr=${addr}`]);
    assert.equal(got.code, 1, got.stderr);
    assert.match(
      got.stderr,
      new RegExp(`^cannot start vmagent-deno: .*${addr.replaceAll(".", "\\.")}.*in use`, "m"),
    );
    assertNoStackTrace(got.stdout + got.stderr);
  },
});

Deno.test({
  name: "main.ts takes the cluster member from a VM_ environment variable with -envflag.enable",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using agent = await startLiveAgent(
      ["-envflag.enable", "-envflag.prefix=VM_", "-promscrape.cluster.membersCount=3"],
      { env: { VM_promscrape_cluster_memberNum: "vmagent-1" } },
    );
    assert.equal(await agentMetric(agent.base, "vmagent_cluster_member_num"), 1);
    assert.equal(await agentMetric(agent.base, "vmagent_cluster_members_count"), 3);
    assert.equal(
      await agentMetric(
        agent.base,
        'flag{name="promscrape.cluster.memberNum", value="vmagent-1", is_set="true"}',
      ),
      1,
    );
    const flags = await tryGetText(`${agent.base}/flags`);
    assert.ok(flags, "no /flags page");
    assert.match(flags, /^-promscrape\.cluster\.memberNum="vmagent-1"$/m);
    assert.match(flags, /^-promscrape\.cluster\.membersCount="3"$/m);
  },
});
