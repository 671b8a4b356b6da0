import assert from "node:assert/strict";
import { isSecretFlag } from "../../lib/flags/secret.ts";

Deno.test("isSecretFlag() hides names with pass, key, secret or token in any case", () => {
  const f = (name: string, want: boolean, registered?: Set<string>) =>
    assert.equal(isSecretFlag(name, registered), want, name);
  f("httpAuth.password", true);
  f("remoteWrite.basicAuth.passwordFile", true);
  f("metricsAuthKey", true);
  f("remoteWrite.tlsKeyFile", true);
  f("remoteWrite.oauth2.clientSecret", true);
  f("remoteWrite.bearerToken", true);
  f("remoteWrite.bearerTokenFile", true);
  f("PASSWORD", true);
  f("remoteWrite.keepDanglingQueues", false);
  f("promscrape.disableKeepAlive", false);
  f("remoteWrite.url", false);
  f("remoteWrite.url", true, new Set(["remotewrite.url"]));
  f("REMOTEWRITE.URL", true, new Set(["remotewrite.url"]));
  f("loggerLevel", false, new Set(["remotewrite.url"]));
});
