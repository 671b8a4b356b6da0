/**
 * End to end: `-dryRun` and `-promscrape.config.dryRun` check the config, print a
 * summary and exit without starting anything.
 */
import assert from "node:assert/strict";
import { AGENT_TESTDATA, assertNoStackTrace, runAgentToExit } from "./_agent_run.ts";
import { freePort, tryGetText } from "./_peers.ts";

Deno.test({
  name:
    "main.ts -dryRun and -promscrape.config.dryRun print the summary and exit 0 on a valid config",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const f = async (flag: string, extra: string[], want: RegExp[], file = "valid.yml") => {
      const port = freePort();
      const got = await runAgentToExit([
        flag,
        `-promscrape.config=${AGENT_TESTDATA}/${file}`,
        `-httpListenAddr=127.0.0.1:${port}`,
        ...extra,
      ]);
      const all = `${flag} ${extra.join(" ")}\n${got.stdout}\n${got.stderr}`;
      assert.equal(got.code, 0, all);
      for (const re of want) assert.match(got.stdout, re, all);
      assertNoStackTrace(got.stdout + got.stderr);
      // Nothing was started: the listen address is free and nothing was logged as started.
      assert.equal(await tryGetText(`http://127.0.0.1:${port}/health`), undefined);
      assert.doesNotMatch(got.stderr, /started server|listening/, all);
    };
    const summary = [
      /^config .*\/valid\.yml is valid: 2 scrape configs$/m,
      /^job "node": every 30s, timeout 10s; static_configs: 1 groups, 2 targets$/m,
      /^ {2}scrape http:\/\/10\.0\.0\.1:9100\/metrics$/m,
      /^job "apps": every 15s, timeout 10s; static_configs: 1 groups, 3 targets$/m,
      /^ {2}scrape http:\/\/app-2:8080\/custom\/metrics$/m,
      /^ {2}1 static targets dropped/m,
    ];
    await Promise.all([
      f("-dryRun", [], [
        ...summary,
        /^cluster: member 0 of 1, replication factor 1$/m,
        /^remote write: none/m,
        /^this member would scrape 4 static targets/m,
      ]),
      f("-promscrape.config.dryRun", [
        "-promscrape.cluster.membersCount=2",
        "-promscrape.cluster.memberNum=vmagent-1",
        "-remoteWrite.url=http://127.0.0.1:1/api/v1/write",
        // Only -dryRun checks the remote write relabel configs, as in vmagent.
        `-remoteWrite.relabelConfig=${AGENT_TESTDATA}/bad_rw_relabel.yml`,
      ], [
        summary[0],
        /^cluster: member 1 of 2, replication factor 1$/m,
        /^remote write: 1 URL\(s\)$/m,
        // Member 1 of 2 owns one of the five static targets (vmagent's xxhash64 key).
        /^this member would scrape 1 static targets/m,
      ]),
      f("-dryRun", ["-promscrape.config.strictParse=false"], [
        /^config .*\/bad_field\.yml is valid: 1 scrape configs$/m,
        /^job "node": every 15s, timeout 10s; static_configs: 1 groups, 1 targets$/m,
      ], "bad_field.yml"),
    ]);
  },
});

Deno.test({
  name:
    "main.ts -dryRun and -promscrape.config.dryRun exit 1 with the precise error on a bad config",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const f = async (args: string[], want: string) => {
      const got = await runAgentToExit(args);
      const all = `${args.join(" ")}\n${got.stdout}\n${got.stderr}`;
      assert.equal(got.code, 1, all);
      assert.equal(got.stdout, "", all);
      assert.equal(got.stderr.trim(), want, all);
      assertNoStackTrace(got.stderr);
    };
    const config = (file: string) => `-promscrape.config=${AGENT_TESTDATA}/${file}`;
    const badRegex = `cannot start vmagent-deno: ${AGENT_TESTDATA}/bad_regex.yml:10:12: ` +
      'scrape_configs[0].relabel_configs[1].regex: cannot parse `regex` "^(?:foo(bar)$": ' +
      "error parsing regexp: missing closing ): `^(?:foo(bar)$`";
    const badRelabel =
      `error when checking relabel configs: ${AGENT_TESTDATA}/bad_rw_relabel.yml:4:10: ` +
      '[0].regex: cannot parse `regex` "^(?:(x)$": error parsing regexp: missing closing ): `^(?:(x)$`';
    await Promise.all([
      f(["-dryRun", config("bad_regex.yml")], badRegex),
      f(["-promscrape.config.dryRun", config("bad_regex.yml")], badRegex),
      f(
        ["-dryRun", config("bad_field.yml")],
        `cannot start vmagent-deno: ${AGENT_TESTDATA}/bad_field.yml:5:3: scrape_configs[0].scrap_timeout: ` +
          'unknown field "scrap_timeout"; pass -promscrape.config.strictParse=false command-line flag ' +
          "for ignoring unknown fields in yaml config",
      ),
      // As in vmagent, -dryRun also checks the remote write relabel configs.
      f(
        [
          "-dryRun",
          config("valid.yml"),
          `-remoteWrite.relabelConfig=${AGENT_TESTDATA}/bad_rw_relabel.yml`,
        ],
        badRelabel,
      ),
      f(
        [
          "-dryRun",
          config("valid.yml"),
          "-remoteWrite.url=http://127.0.0.1:1/api/v1/write",
          `-remoteWrite.urlRelabelConfig=${AGENT_TESTDATA}/bad_rw_relabel.yml`,
        ],
        badRelabel,
      ),
    ]);
  },
});
