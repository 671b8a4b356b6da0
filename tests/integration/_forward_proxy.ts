/**
 * A forward HTTP proxy for the integration tests of `proxy_url` and `-remoteWrite.proxyURL`.
 *
 * @module
 */

/** A running {@linkcode forwardProxy}. */
export interface ForwardProxy {
  /** Its port on 127.0.0.1. */
  port: number;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The head of the first request of each connection, as received. */
  heads: string[];
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

function indexOf(buf: Uint8Array, seq: number[]): number {
  outer: for (let i = 0; i + seq.length <= buf.length; i++) {
    for (let j = 0; j < seq.length; j++) if (buf[i + j] !== seq[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Starts a forward proxy on 127.0.0.1: absolute-form requests are forwarded (request line rewritten),
 * CONNECT is tunnelled. It records the head of each connection's first request and
 * passes bodies through as bytes.
 *
 * @example
 * ```ts
 * const proxy = forwardProxy();
 * // ... send requests through proxy.url ...
 * proxy.heads.some((h) => h.startsWith("CONNECT ")); // a tunnelled request
 * await proxy.close();
 * ```
 */
export function forwardProxy(): ForwardProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const heads: string[] = [];
  const conns = new Set<Deno.Conn>();
  const handle = async (conn: Deno.Conn) => {
    let buf = new Uint8Array(0);
    let end = -1;
    const chunk = new Uint8Array(16384);
    while ((end = indexOf(buf, [13, 10, 13, 10])) < 0) {
      const n = await conn.read(chunk);
      if (n === null) return;
      const next = new Uint8Array(buf.length + n);
      next.set(buf);
      next.set(chunk.subarray(0, n), buf.length);
      buf = next;
    }
    const head = new TextDecoder().decode(buf.subarray(0, end + 4));
    const rest = buf.subarray(end + 4);
    heads.push(head);
    const [method, target] = head.split(" ");
    let upstream: Deno.Conn;
    if (method === "CONNECT") {
      const [host, port] = target.split(":");
      upstream = await Deno.connect({ hostname: host, port: Number(port) });
      conns.add(upstream);
      await conn.write(new TextEncoder().encode("HTTP/1.1 200 Connection established\r\n\r\n"));
    } else {
      const u = new URL(target);
      upstream = await Deno.connect({ hostname: u.hostname, port: Number(u.port) });
      conns.add(upstream);
      // Proxy-* headers are for the proxy: they are not forwarded.
      const lines = head.split("\r\n").filter((l) => !/^proxy-/i.test(l));
      lines[0] = `${method} ${u.pathname}${u.search} HTTP/1.1`;
      await upstream.write(new TextEncoder().encode(lines.join("\r\n")));
    }
    if (rest.length > 0) await upstream.write(rest);
    await Promise.all([
      conn.readable.pipeTo(upstream.writable).catch(() => {}),
      upstream.readable.pipeTo(conn.writable).catch(() => {}),
    ]);
  };
  const done = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      handle(conn).catch(() => {});
    }
  })().catch(() => {});
  return {
    port: listener.addr.port,
    url: `http://127.0.0.1:${listener.addr.port}`,
    heads,
    async close() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch {
          // already closed
        }
      }
      await done;
    },
  };
}
