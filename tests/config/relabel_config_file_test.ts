import assert from "node:assert/strict";
import {
  loadRelabelConfigFile,
  parseRelabelConfigText,
} from "../../lib/config/relabel_config_file.ts";
import { ConfigError } from "../../lib/util/field_error.ts";

Deno.test("parseRelabelConfigText() compiles a YAML list of rules", () => {
  const rules = parseRelabelConfigText(
    "- action: drop\n  source_labels: [env]\n  regex: dev\n- target_label: dc\n  replacement: eu1\n",
    { file: "/etc/rw.yml" },
  );
  assert.deepEqual(rules.map((r) => r.action), ["drop", "replace"]);
  assert.deepEqual(rules[0].source, { action: "drop", source_labels: ["env"], regex: "dev" });
  assert.deepEqual(parseRelabelConfigText("", { file: "/etc/rw.yml" }), []);
  assert.deepEqual(parseRelabelConfigText("# none\n", { file: "/etc/rw.yml" }), []);
});

Deno.test("parseRelabelConfigText() reports file, line, column and path of errors", () => {
  const f = (text: string, want: string) =>
    assert.throws(() => parseRelabelConfigText(text, { file: "/etc/rw.yml" }), (e) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.message, want);
      return true;
    });
  f(
    "- action: keep\n  regexp: x\n",
    '/etc/rw.yml:2:3: [0].regexp: unknown field "regexp"',
  );
  f("action: keep\n", "/etc/rw.yml:1:1: the top-level value must be a list; got a map");
  f("- action: keep\n- 5\n", '/etc/rw.yml:2:3: [1]: must be a map; got "5"');
  f(
    "- [a\n",
    "/etc/rw.yml:2:1: cannot parse YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
  );
});

Deno.test("loadRelabelConfigFile() reads the file and expands %{ENV}", async () => {
  const rules = await loadRelabelConfigFile("/etc/rw.yml", {
    env: (n) => (n === "DC" ? "eu1" : undefined),
    readTextFile: (p) =>
      p === "/etc/rw.yml"
        ? Promise.resolve("- target_label: dc\n  replacement: '%{DC}'\n")
        : Promise.reject(new Error("no")),
  });
  assert.equal(rules[0].source.replacement, "eu1");
  const err = await loadRelabelConfigFile("/etc/none.yml", {
    env: () => undefined,
    readTextFile: () => Promise.reject(new Error("No such file")),
  }).catch((e) => e);
  assert.ok(err instanceof ConfigError);
  assert.equal(err.message, "/etc/none.yml: cannot read relabel configs: No such file");
});
