import assert from "node:assert/strict";
import { queueDirName, sanitizedURL, urlWithoutQuery } from "../../lib/remotewrite/queue_dir.ts";
import { initXXHash64, xxhash64Hex } from "../../lib/util/xxhash64.ts";

Deno.test("sanitizedURL() hides the URL unless showURL", () => {
  assert.equal(sanitizedURL(0, "http://u:p@h/api/v1/write", false), "1:secret-url");
  assert.equal(sanitizedURL(2, "http://h/api/v1/write", true), "3:http://h/api/v1/write");
});

Deno.test("queueDirName() hashes the URL without query and fragment, keeping user info", async () => {
  await initXXHash64();
  const f = (url: string, hashed: string) =>
    assert.equal(queueDirName(1, url), `2_${xxhash64Hex(hashed)}`);
  f("http://vm:8428/api/v1/write", "http://vm:8428/api/v1/write");
  f("http://vm:8428/api/v1/write?extra_label=a%3Db", "http://vm:8428/api/v1/write");
  f("http://u:p@vm:8428/api/v1/write?x=1#frag", "http://u:p@vm:8428/api/v1/write");
  assert.equal(urlWithoutQuery("http://h/p#a?b"), "http://h/p");
  assert.match(queueDirName(0, "http://x/"), /^1_[0-9A-F]{16}$/);
});
