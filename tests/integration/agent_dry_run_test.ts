/**
 * End to end: `-dryRun` and `-promscrape.config.dryRun` check the config, print a
 * summary and exit without starting anything.
 */
import assert from "node:assert/strict";
import { AGENT_TESTDATA, assertNoStackTrace, runAgentToExit } from "./_agent_run.ts";
import { freePort, tempDir, tryGetText } from "./_peers.ts";

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
      /^job "node": every 30s, timeout 10s; static_configs: 1 groups, 2 targets; 2 to scrape$/m,
      /^ {2}scrape http:\/\/10\.0\.0\.1:9100\/metrics$/m,
      /^job "apps": every 15s, timeout 10s; static_configs: 1 groups, 3 targets; 2 to scrape, 1 dropped \(relabeling, sharding or no address\)$/m,
      /^ {2}scrape http:\/\/app-2:8080\/custom\/metrics$/m,
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
        /^job "node": every 15s, timeout 10s; static_configs: 1 groups, 1 targets; 1 to scrape$/m,
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

Deno.test({
  name:
    "main.ts -dryRun reads -promscrape.config and its scrape_config_files from an http URL, %{ENV} expanded",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const pages: Record<string, string> = {
      "/cfg/prometheus.yml": "scrape_config_files: [jobs.yml]\n" +
        "scrape_configs:\n- job_name: '%{E2E_JOB}'\n" +
        "  static_configs: [{targets: ['%{E2E_HOST}:9100']}]\n",
      // Relative to the folder of the config URL, as a file path would be to its folder.
      "/cfg/jobs.yml": "- job_name: included\n  static_configs: [{targets: ['inc-1:8080']}]\n",
    };
    const requested: string[] = [];
    await using server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (req) => {
        const path = new URL(req.url).pathname;
        requested.push(path);
        return path in pages
          ? new Response(pages[path])
          : new Response("not found", { status: 404 });
      },
    );
    const base = `http://127.0.0.1:${server.addr.port}`;
    // The flag value holds a placeholder too: %{ENV} works in flags and in the files.
    const env = { E2E_JOB: "remote", E2E_HOST: "10.9.9.9", E2E_CFG: "prometheus.yml" };
    const ok = await runAgentToExit(["-dryRun", `-promscrape.config=${base}/cfg/%{E2E_CFG}`], {
      env,
    });
    const all = `${ok.stdout}\n${ok.stderr}`;
    assert.equal(ok.code, 0, all);
    assert.deepEqual(requested, ["/cfg/prometheus.yml", "/cfg/jobs.yml"]);
    const url = base.replaceAll(".", "\\.");
    for (
      const re of [
        new RegExp(`^config ${url}/cfg/prometheus\\.yml is valid: 2 scrape configs$`, "m"),
        /^job "remote": every 1m0s, timeout 10s; static_configs: 1 groups, 1 targets; 1 to scrape$/m,
        /^ {2}scrape http:\/\/10\.9\.9\.9:9100\/metrics$/m,
        /^job "included": every 1m0s, timeout 10s; static_configs: 1 groups, 1 targets; 1 to scrape$/m,
        /^ {2}scrape http:\/\/inc-1:8080\/metrics$/m,
      ]
    ) assert.match(ok.stdout, re, all);
    assertNoStackTrace(all);

    const missing = await runAgentToExit(["-dryRun", `-promscrape.config=${base}/cfg/nope.yml`]);
    assert.equal(missing.code, 1, missing.stderr);
    assert.equal(missing.stdout, "");
    assert.equal(
      missing.stderr.trim(),
      `cannot start vmagent-deno: ${base}/cfg/nope.yml: cannot read Prometheus config: ` +
        `unexpected status code returned from "${base}/cfg/nope.yml": 404`,
    );
    assertNoStackTrace(missing.stderr);
  },
});

Deno.test({
  name: "main.ts -dryRun keeps the summary of a big config to one screen, with totals for all",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    const path = `${dir.path}/big.yml`;
    let text = "scrape_configs:\n";
    for (let j = 0; j < 30; j++) {
      text += `- job_name: job${j}\n  static_configs: [{targets: [`;
      text += Array.from({ length: 4 }, (_, t) => `'h${j}-${t}:9100'`).join(", ") + "]}]\n";
    }
    await Deno.writeTextFile(path, text);
    const got = await runAgentToExit(["-dryRun", `-promscrape.config=${path}`]);
    const all = `${got.stdout}\n${got.stderr}`;
    assert.equal(got.code, 0, all);
    const lines = got.stdout.trimEnd().split("\n");
    assert.ok(lines.length <= 45, `${lines.length} lines:\n${all}`);
    assert.match(got.stdout, /^config .*\/big\.yml is valid: 30 scrape configs$/m);
    assert.match(
      got.stdout,
      /^job "job0": every 1m0s, timeout 10s; static_configs: 1 groups, 4 targets; 4 to scrape$/m,
    );
    assert.match(got.stdout, /^ {2}scrape http:\/\/h0-1:9100\/metrics$/m);
    assert.doesNotMatch(got.stdout, /h0-2:9100/);
    assert.match(got.stdout, /^job "job11": /m);
    assert.doesNotMatch(got.stdout, /^job "job12": /m);
    assert.match(got.stdout, /^\.\.\. and 18 more jobs with 72 static targets to scrape$/m);
    assert.match(got.stdout, /^this member would scrape 120 static targets/m);
    assertNoStackTrace(all);
  },
});
