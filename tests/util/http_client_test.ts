import { deepEqual, equal, match, rejects } from "node:assert/strict";
import { createHttpClient, type FetchFn } from "../../lib/util/http_client.ts";
import type { HTTPClientConfig } from "../../lib/config/types.ts";

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** A fake transport: answers with `handler`, records every request. */
function fakeFetch(
  handler: (req: Seen) => Response | Promise<Response>,
): { fetch: FetchFn; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetch: FetchFn = async (input, init) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => headers[k] = v);
    const body = init.body === undefined || init.body === null ? "" : String(init.body);
    const req = { url: String(input), method: init.method ?? "GET", headers, body };
    seen.push(req);
    return await handler(req);
  };
  return { fetch, seen };
}

const base = (over: Partial<HTTPClientConfig> = {}): HTTPClientConfig => ({
  headers: [],
  followRedirects: true,
  ...over,
});

const ok = () => new Response("ok");

Deno.test("createHttpClient() sets Authorization from each kind of credentials", async () => {
  const files: Record<string, string> = {
    "/s/pass": "p@ss\n",
    "/s/user": "alice\n",
    "/s/token": "tok123\n",
    "/s/creds": "xyz\n",
  };
  const readTextFile = (p: string) =>
    files[p] !== undefined ? Promise.resolve(files[p]) : Promise.reject(new Error("not found"));
  const f = async (
    cfg: Partial<HTTPClientConfig>,
    want: string | undefined,
    target = "http://t/metrics",
  ) => {
    const { fetch, seen } = fakeFetch(ok);
    const c = createHttpClient(base(cfg), { fetch, readTextFile, baseDir: "/s" });
    try {
      await (await c.fetch(target)).text();
      equal(seen[0].headers["authorization"], want, JSON.stringify(cfg));
      equal(new URL(seen[0].url).username, "", "the URL's userinfo is never sent as such");
    } finally {
      c.close();
    }
  };
  await f({}, undefined);
  await f({ bearerToken: "abc" }, "Bearer abc");
  await f({ bearerTokenFile: "token" }, "Bearer tok123");
  await f({ basicAuth: { username: "u", password: "p" } }, "Basic " + btoa("u:p"));
  await f({ basicAuth: { username: "u", passwordFile: "/s/pass" } }, "Basic " + btoa("u:p@ss"));
  await f(
    { basicAuth: { username: "", usernameFile: "user", password: "" } },
    "Basic " + btoa("alice:"),
  );
  await f({ authorization: { type: "Token", credentials: "c1" } }, "Token c1");
  await f({ authorization: { type: "", credentialsFile: "creds" } }, "Bearer xyz");
  // A URL's user:password is Basic auth only when nothing else sets Authorization, as in Go.
  await f({}, "Basic " + btoa("bob:p w"), "http://bob:p%20w@t/metrics");
  await f({ bearerToken: "abc" }, "Bearer abc", "http://bob:pw@t/metrics");
});

Deno.test("createHttpClient() re-reads secret files at most once a second", async () => {
  let secret = "one";
  let reads = 0;
  let now = 0;
  const { fetch, seen } = fakeFetch(ok);
  const c = createHttpClient(base({ bearerTokenFile: "/tok" }), {
    fetch,
    now: () => now,
    readTextFile: () => {
      reads++;
      return Promise.resolve(secret);
    },
  });
  try {
    await c.fetch("http://t/");
    secret = "two";
    now = 500;
    await c.fetch("http://t/");
    now = 1500;
    await c.fetch("http://t/");
    deepEqual(seen.map((s) => s.headers["authorization"]), [
      "Bearer one",
      "Bearer one",
      "Bearer two",
    ]);
    equal(reads, 2);
  } finally {
    c.close();
  }
});

Deno.test("createHttpClient() names the file, never the secret, when a file cannot be read", async () => {
  const { fetch } = fakeFetch(ok);
  const c = createHttpClient(base({ basicAuth: { username: "u", passwordFile: "/nope" } }), {
    fetch,
    readTextFile: () => Promise.reject(new Error("No such file or directory")),
  });
  try {
    await rejects(c.fetch("http://t/"), (e: Error) => {
      equal(e.message, 'cannot read `password_file`="/nope": No such file or directory');
      return true;
    });
  } finally {
    c.close();
  }
});

Deno.test("createHttpClient() sends custom headers under the Authorization header", async () => {
  const { fetch, seen } = fakeFetch(ok);
  const c = createHttpClient(
    base({
      bearerToken: "real",
      headers: [["X-Foo", "bar"], ["Authorization", "fake"], ["Accept", "x/y"]],
    }),
    { fetch },
  );
  try {
    await c.fetch("http://t/", { headers: { accept: "text/plain", "user-agent": "ua" } });
    equal(seen[0].headers["x-foo"], "bar");
    equal(seen[0].headers["authorization"], "Bearer real");
    equal(seen[0].headers["accept"], "x/y");
    equal(seen[0].headers["user-agent"], "ua");
  } finally {
    c.close();
  }
});

Deno.test("createHttpClient() follows redirects, keeps credentials only on the same host or subdomains", async () => {
  const { fetch, seen } = fakeFetch((req) => {
    const u = new URL(req.url);
    if (u.pathname === "/a") return new Response("", { status: 301, headers: { location: "/b" } });
    if (u.pathname === "/b") {
      return new Response("", { status: 302, headers: { location: "http://sub.t/c" } });
    }
    if (u.pathname === "/c") {
      return new Response("", { status: 307, headers: { location: "http://other/d" } });
    }
    return new Response("end");
  });
  const c = createHttpClient(base({ bearerToken: "s" }), { fetch });
  try {
    const r = await c.fetch("http://t/a");
    equal(await r.text(), "end");
    deepEqual(seen.map((s) => [s.url, s.headers["authorization"]]), [
      ["http://t/a", "Bearer s"],
      ["http://t/b", "Bearer s"],
      ["http://sub.t/c", "Bearer s"],
      ["http://other/d", undefined],
    ]);
  } finally {
    c.close();
  }
});

Deno.test("createHttpClient() returns the 3xx itself with follow_redirects: false", async () => {
  const { fetch, seen } = fakeFetch(() =>
    new Response("moved", { status: 302, headers: { location: "/x" } })
  );
  const c = createHttpClient(base({ followRedirects: false }), { fetch });
  try {
    const r = await c.fetch("http://t/a");
    equal(r.status, 302);
    equal(await r.text(), "moved");
    equal(seen.length, 1);
  } finally {
    c.close();
  }
});

Deno.test("createHttpClient() stops after maxRedirects redirects", async () => {
  const { fetch, seen } = fakeFetch(() =>
    new Response("", { status: 302, headers: { location: "/loop" } })
  );
  const c = createHttpClient(base(), { fetch });
  try {
    await rejects(c.fetch("http://t/loop"), /stopped after 10 redirects/);
    equal(seen.length, 11);
  } finally {
    c.close();
  }
});

Deno.test("createHttpClient() turns a POST into a GET on 303 and resends the body on 307", async () => {
  const { fetch, seen } = fakeFetch((req) => {
    const u = new URL(req.url);
    if (u.pathname === "/a") return new Response("", { status: 307, headers: { location: "/b" } });
    if (u.pathname === "/b") return new Response("", { status: 303, headers: { location: "/c" } });
    return new Response("done");
  });
  const c = createHttpClient(base(), { fetch });
  try {
    await c.fetch("http://t/a", {
      method: "POST",
      body: "payload",
      headers: { "content-type": "text/plain" },
    });
    deepEqual(seen.map((s) => [s.method, s.body, s.headers["content-type"]]), [
      ["POST", "payload", "text/plain"],
      ["POST", "payload", "text/plain"],
      ["GET", "", undefined],
    ]);
  } finally {
    c.close();
  }
});

Deno.test("createHttpClient() decodes a gzip body the transport left encoded", async () => {
  const gz = new Uint8Array(
    await new Response(new Blob(["foo 1\n"]).stream().pipeThrough(new CompressionStream("gzip")))
      .arrayBuffer(),
  );
  const { fetch } = fakeFetch(() => new Response(gz, { headers: { "content-encoding": "gzip" } }));
  const c = createHttpClient(base(), { fetch });
  try {
    const r = await c.fetch("http://t/", { headers: { "accept-encoding": "identity" } });
    equal(await r.text(), "foo 1\n");
  } finally {
    c.close();
  }
});

Deno.test("createHttpClient() fetches an OAuth2 token once and reuses it until it expires", async () => {
  let now = 1_000_000;
  let issued = 0;
  const { fetch, seen } = fakeFetch((req) => {
    if (req.url === "http://auth/token") {
      issued++;
      return Response.json({ access_token: `tok${issued}`, token_type: "bearer", expires_in: 60 });
    }
    return ok();
  });
  const c = createHttpClient(
    base({
      oauth2: {
        clientId: "id",
        clientSecret: "sec ret!*",
        scopes: ["a", "b"],
        tokenUrl: "http://auth/token",
        endpointParams: { audience: "x" },
        headers: [["X-Tenant", "t1"]],
      },
    }),
    { fetch, now: () => now },
  );
  try {
    await c.fetch("http://t/1");
    now += 30_000;
    await c.fetch("http://t/2");
    now += 25_000; // 55 s after issue: within 10 s of expiry, so a new token is fetched
    await c.fetch("http://t/3");
    const tokenReqs = seen.filter((s) => s.url === "http://auth/token");
    equal(tokenReqs.length, 2);
    const t = tokenReqs[0];
    equal(t.method, "POST");
    // Escaped as Go's url.QueryEscape does before Basic auth (space as +, ! and * as %XX).
    equal(t.headers["authorization"], "Basic " + btoa("id:sec+ret%21%2A"));
    equal(t.headers["x-tenant"], "t1");
    const form = new URLSearchParams(t.body);
    deepEqual([form.get("grant_type"), form.get("scope"), form.get("audience")], [
      "client_credentials",
      "a b",
      "x",
    ]);
    deepEqual(
      seen.filter((s) => s.url.startsWith("http://t/")).map((s) => s.headers["authorization"]),
      [
        "Bearer tok1",
        "Bearer tok1",
        "Bearer tok2",
      ],
    );
  } finally {
    c.close();
  }
});

Deno.test("createHttpClient() retries the OAuth2 token request with credentials in the body", async () => {
  const { fetch, seen } = fakeFetch((req) => {
    if (req.url === "http://auth/token") {
      const form = new URLSearchParams(req.body);
      if (form.get("client_id") !== "id") {
        return new Response('{"error":"invalid_client"}', { status: 401 });
      }
      return Response.json({ access_token: "t", token_type: "Bearer" });
    }
    return ok();
  });
  const c = createHttpClient(
    base({
      oauth2: {
        clientId: "id",
        clientSecret: "s",
        scopes: [],
        tokenUrl: "http://auth/token",
        endpointParams: {},
      },
    }),
    { fetch },
  );
  try {
    await c.fetch("http://t/");
    await c.fetch("http://t/");
    const tokenReqs = seen.filter((s) => s.url === "http://auth/token");
    equal(
      tokenReqs.length,
      2,
      "one rejected header attempt, one accepted body attempt; then cached",
    );
    equal(new URLSearchParams(tokenReqs[1].body).get("client_secret"), "s");
    equal(seen.at(-1)!.headers["authorization"], "Bearer t");
  } finally {
    c.close();
  }
});

Deno.test("createHttpClient() reports an OAuth2 failure without the client secret", async () => {
  const { fetch } = fakeFetch(() => new Response("denied", { status: 403 }));
  const c = createHttpClient(
    base({
      oauth2: {
        clientId: "id",
        clientSecret: "TOPSECRET",
        scopes: [],
        tokenUrl: "http://auth/token",
        endpointParams: {},
      },
    }),
    { fetch },
  );
  try {
    await rejects(c.fetch("http://t/"), (e: Error) => {
      match(e.message, /oauth2: cannot fetch token from http:\/\/auth\/token: 403/);
      equal(e.message.includes("TOPSECRET"), false);
      return true;
    });
  } finally {
    c.close();
  }
});
