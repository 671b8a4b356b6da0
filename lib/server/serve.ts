/**
 * Runs the HTTP server with `Deno.serve` on every `-httpListenAddr`, with
 * `-tls`/`-tlsCertFile`/`-tlsKeyFile` per address, response compression, and
 * vmagent's shutdown: `/health` turns 503 for `-http.shutdownDelay`, then the
 * listeners close, waiting up to `-http.maxGracefulShutdownDuration` for
 * requests in flight. Signal handling stays with main.ts.
 *
 * @module
 */

import { getLogger, type Logger } from "../util/log.ts";
import { compressResponse } from "./compress.ts";
import { HealthState } from "./health_state.ts";
import type { ServeInfo } from "./request_log.ts";

/** Options of {@linkcode serve}; list options are per listen address, as vmagent's array flags. */
export interface ServeOptions {
  /** `-httpListenAddr`: `host:port`, `:port` (all interfaces) or `[v6]:port`; "" entries are skipped. @default [":8429"] */
  listenAddrs?: string[];
  /** `-tls` per address. @default [] */
  tls?: boolean[];
  /** `-tlsCertFile` per address. @default [] */
  tlsCertFile?: string[];
  /** `-tlsKeyFile` per address. @default [] */
  tlsKeyFile?: string[];
  /** `-enableTCP6`: a lone `:port` listens on IPv6 too. @default false */
  enableTCP6?: boolean;
  /** `-http.shutdownDelay`, ms. @default 0 */
  shutdownDelayMs?: number;
  /** `-http.maxGracefulShutdownDuration`, ms. @default 7000 */
  maxGracefulShutdownMs?: number;
  /** `-http.disableResponseCompression`. @default false */
  disableResponseCompression?: boolean;
  /** The state `/health` reads; pass the router's. @default new HealthState() */
  health?: HealthState;
  /** Reads the TLS files. @default Deno.readTextFileSync */
  readTextFile?: (path: string) => string;
  /** The clock (ms). @default Date.now */
  now?: () => number;
  /** Waits `ms`. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** Where the server logs. @default getLogger("httpserver") */
  log?: Logger;
}

/** A running server. */
export interface RunningServer {
  /** The first listen address as `host:port` (the real port when 0 was asked for). */
  addr: string;
  /** Every listen address as `host:port`. */
  addrs: string[];
  /** Runs the shutdown delay, then closes the listeners; resolves when they are closed. */
  shutdown(): Promise<void>;
}

/**
 * Splits a Go listen address into host and port: `:8429` is every interface
 * (`0.0.0.0`, or `::` with `enableTCP6`), `[::1]:8429` an IPv6 host.
 * Throws a TypeError on a missing or bad port.
 *
 * @example
 * ```ts
 * parseListenAddr(":8429"); // { hostname: "0.0.0.0", port: 8429 }
 * parseListenAddr("[::1]:0"); // { hostname: "::1", port: 0 }
 * ```
 */
export function parseListenAddr(
  addr: string,
  opts: { enableTCP6?: boolean } = {},
): { hostname: string; port: number } {
  const i = addr.lastIndexOf(":");
  if (i < 0) {
    throw new TypeError(`cannot listen on ${JSON.stringify(addr)}: missing port in address`);
  }
  let host = addr.slice(0, i);
  const portText = addr.slice(i + 1);
  if (host.startsWith("[")) {
    if (!host.endsWith("]")) {
      throw new TypeError(`cannot listen on ${JSON.stringify(addr)}: missing ']' in address`);
    }
    host = host.slice(1, -1);
  } else if (host.includes(":")) {
    throw new TypeError(`cannot listen on ${JSON.stringify(addr)}: too many colons in address`);
  }
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new TypeError(
      `cannot listen on ${JSON.stringify(addr)}: invalid port ${JSON.stringify(portText)}`,
    );
  }
  if (host === "") host = opts.enableTCP6 ? "::" : "0.0.0.0";
  return { hostname: host, port };
}

function formatAddr(a: Deno.NetAddr): string {
  return a.hostname.includes(":") ? `[${a.hostname}]:${a.port}` : `${a.hostname}:${a.port}`;
}

/**
 * Starts listening on every address and returns at once. Throws when an address cannot be
 * used, naming it as vmagent does (`cannot start http server at 127.0.0.1:8429: Address
 * already in use (os error 98)`), after closing the listeners already opened.
 *
 * @example
 * ```ts
 * const health = new HealthState();
 * const server = serve(createHandler({ version, metricsText, health }), { listenAddrs: [":8429"], health });
 * // on SIGTERM:
 * await server.shutdown();
 * ```
 */
export function serve(
  handler: (req: Request, info?: ServeInfo) => Promise<Response>,
  opts: ServeOptions = {},
): RunningServer {
  const log = opts.log ?? getLogger("httpserver");
  const health = opts.health ?? new HealthState();
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const read = opts.readTextFile ?? Deno.readTextFileSync;
  const listenAddrs = opts.listenAddrs ?? [":8429"];
  const compress = !opts.disableResponseCompression;
  const serveHandler = async (req: Request, info: Deno.ServeHandlerInfo): Promise<Response> => {
    const res = await handler(req, info as ServeInfo);
    return compress ? await compressResponse(req, res) : res;
  };

  const servers: { server: Deno.HttpServer<Deno.NetAddr>; addr: string }[] = [];
  try {
    listenAddrs.forEach((listen, idx) => {
      if (listen === "") return;
      const { hostname, port } = parseListenAddr(listen, opts);
      const tls = opts.tls?.[idx] ?? false;
      const common = {
        hostname,
        port,
        // Deno would print "Listening on ..." and handler errors to the console otherwise.
        onListen: () => {},
        onError: (e: unknown) => {
          log.error(`cannot serve http request: ${e instanceof Error ? e.message : String(e)}`);
          return new Response("internal server error\n", { status: 500 });
        },
      };
      let serverOpts: Deno.ServeTcpOptions | (Deno.ServeTcpOptions & Deno.TlsCertifiedKeyPem) =
        common;
      if (tls) {
        const certFile = opts.tlsCertFile?.[idx] ?? "";
        const keyFile = opts.tlsKeyFile?.[idx] ?? "";
        let cert: string;
        let key: string;
        try {
          cert = read(certFile);
          key = read(keyFile);
        } catch (e) {
          throw new Error(
            `cannot load TLS cert from -tlsCertFile=${JSON.stringify(certFile)}, ` +
              `-tlsKeyFile=${JSON.stringify(keyFile)}: ${(e as Error).message}`,
          );
        }
        serverOpts = { ...common, cert, key };
      }
      let server: Deno.HttpServer<Deno.NetAddr>;
      try {
        server = Deno.serve(serverOpts, serveHandler);
      } catch (e) {
        // Deno's bind error ("Address already in use (os error 98)") does not say which
        // address; vmagent's does: "cannot start http server at <addr>: <reason>". The error
        // keeps its class (Deno.errors.AddrInUse...) for callers that check it.
        if (!(e instanceof Error)) throw e;
        const Class = e.constructor as ErrorConstructor;
        throw new Class(`cannot start http server at ${listen}: ${e.message}`, { cause: e });
      }
      const addr = formatAddr(server.addr);
      log.info(`started server at ${tls ? "https" : "http"}://${addr}/`);
      servers.push({ server, addr });
    });
  } catch (e) {
    // Do not leave the listeners already opened behind.
    for (const s of servers) void s.server.shutdown();
    throw e;
  }

  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    closing ??= (async () => {
      const delay = Math.max(0, opts.shutdownDelayMs ?? 0);
      health.startShutdownDelay(delay, now());
      const names = servers.map((s) => s.addr).join(", ");
      if (delay > 0) {
        log.info(
          `waiting ${
            (delay / 1000).toFixed(3)
          }s before closing http server ${names}, so load balancers can move traffic away`,
        );
        await sleep(delay);
      }
      const graceMs = opts.maxGracefulShutdownMs ?? 7000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), graceMs);
      });
      const closed = Promise.all(servers.map((s) => s.server.shutdown())).then(() =>
        "closed" as const
      );
      const outcome = await Promise.race([closed, timeout]);
      clearTimeout(timer);
      if (outcome === "timeout") {
        log.error(
          `cannot gracefully shut down http server ${names} in ${
            (graceMs / 1000).toFixed(3)
          }s; requests are still in flight`,
        );
      }
    })();
    return closing;
  };

  const addrs = servers.map((s) => s.addr);
  return { addr: addrs[0] ?? "", addrs, shutdown };
}
