import assert from "node:assert/strict";
import { editDistance, suggestFlag } from "../../lib/flags/suggest.ts";

Deno.test("editDistance() counts insertions, deletions, substitutions and adjacent swaps", () => {
  const f = (a: string, b: string, want: number) =>
    assert.equal(editDistance(a, b), want, `${a}/${b}`);
  f("", "", 0);
  f("abc", "abc", 0);
  f("", "abc", 3);
  f("abc", "", 3);
  f("abc", "abd", 1);
  f("abc", "abcd", 1);
  f("abcd", "acd", 1);
  f("ulr", "url", 1);
  f("kitten", "sitting", 3);
});

Deno.test("suggestFlag() names the nearest flag, ignoring case, only when it is close", () => {
  const known = [
    "remoteWrite.url",
    "remoteWrite.urlRelabelConfig",
    "httpListenAddr",
    "promscrape.config",
    "dryRun",
  ];
  const f = (name: string, want: string | undefined) =>
    assert.equal(suggestFlag(name, known), want, name);
  f("remoteWrite.ulr", "remoteWrite.url");
  f("remotewrite.url", "remoteWrite.url");
  f("httpListenAdr", "httpListenAddr");
  f("promscrape.configs", "promscrape.config");
  f("dryrun", "dryRun");
  f("remoteWrite.urlRelabelConfigs", "remoteWrite.urlRelabelConfig");
  f("somethingElse", undefined);
  f("x", undefined);
  assert.equal(suggestFlag("a", []), undefined);
});
