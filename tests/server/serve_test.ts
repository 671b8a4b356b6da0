import { deepEqual, throws } from "node:assert/strict";
import { parseListenAddr } from "../../lib/server/serve.ts";

Deno.test("parseListenAddr() reads Go listen addresses", () => {
  const f = (addr: string, want: { hostname: string; port: number }, enableTCP6 = false) =>
    deepEqual(parseListenAddr(addr, { enableTCP6 }), want, addr);
  f(":8429", { hostname: "0.0.0.0", port: 8429 });
  f(":8429", { hostname: "::", port: 8429 }, true);
  f("127.0.0.1:0", { hostname: "127.0.0.1", port: 0 });
  f("localhost:9000", { hostname: "localhost", port: 9000 });
  f("[::1]:8429", { hostname: "::1", port: 8429 });
  f("[::]:80", { hostname: "::", port: 80 });
});

Deno.test("parseListenAddr() rejects addresses without a usable port", () => {
  const f = (addr: string, re: RegExp) => throws(() => parseListenAddr(addr), re);
  f("localhost", /missing port in address/);
  f("::1:8429", /too many colons/);
  f("[::1:8429", /missing '\]'/);
  f(":http", /invalid port "http"/);
  f(":70000", /invalid port "70000"/);
  f("127.0.0.1:", /invalid port ""/);
});
