/**
 * End to end: `tls_config.server_name` (and `-remoteWrite.tlsServerName`) given as an IP
 * address. Go verifies the server's certificate against that IP and sends no SNI; Node's TLS
 * refuses an IP as its server name, which made every such request fail here before.
 */
import assert from "node:assert/strict";
import { createHttpClient } from "../../lib/util/http_client.ts";

const TLS_DIR = new URL("../testdata/remotewrite/tls/", import.meta.url).pathname;

Deno.test({
  name: "createHttpClient() verifies the server against an IP server_name",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    // The certificate is valid for IP:127.0.0.1 only; the URL names localhost.
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      cert: Deno.readTextFileSync(`${TLS_DIR}server-ip.pem`),
      key: Deno.readTextFileSync(`${TLS_DIR}server-ip-key.pem`),
      onListen() {},
    }, (req) => new Response(`host=${req.headers.get("host")}`));
    const url = `https://localhost:${server.addr.port}/`;
    const get = async (serverName: string): Promise<string> => {
      const c = createHttpClient({
        headers: [],
        followRedirects: true,
        tlsConfig: { caFile: `${TLS_DIR}ca.pem`, serverName, insecureSkipVerify: false },
      }, { disableKeepAlive: true });
      try {
        const r = await c.fetch(url);
        return `${r.status} ${await r.text()}`;
      } finally {
        c.close();
      }
    };
    try {
      // vmagent sends the server name as the Host header too.
      assert.equal(await get("127.0.0.1"), "200 host=127.0.0.1");
      await assert.rejects(get("127.0.0.2"), /127\.0\.0\.2|IP/, "another IP must not verify");
    } finally {
      await server.shutdown();
    }
  },
});
