/**
 * vmagent HEAD flags of the HTTP server, logger, envflag and process (names, types and defaults as
 * in app/vmagent/main.go, lib/httpserver, lib/logger, lib/envflag, lib/buildinfo, lib/memory;
 * descriptions in our words).
 *
 * @module
 */

import {
  boolArrayFlag,
  boolFlag,
  bytesFlag,
  durationFlag,
  floatFlag,
  intFlag,
  passwordFlag,
  stringArrayFlag,
  stringFlag,
} from "./flag_spec.ts";

const AUTH_KEY_NOTE = "It is passed in the authKey query arg and takes precedence over -httpAuth.*";

/**
 * HTTP server, logging, environment, memory and process flags.
 *
 * @example
 * ```ts
 * SERVER_FLAGS["httpListenAddr"].whenUnset; // [":8429"]
 * SERVER_FLAGS["loggerLevel"].default; // "INFO"
 * ```
 */
export const SERVER_FLAGS = {
  "httpListenAddr": stringArrayFlag(
    "TCP address to listen on for HTTP requests (:8429 when the flag is not given). " +
      "An empty value disables listening on any port, which allows running several agents on " +
      "one host; /targets and /metrics are then unavailable. See also -tls",
    { whenUnset: [":8429"] },
  ),
  "http.shutdownDelay": durationFlag(
    "0s",
    "Optional delay before the HTTP server shuts down. During it /health returns a non-OK " +
      "status so that load balancers send new requests elsewhere",
  ),
  "http.idleConnTimeout": durationFlag("1m", "Timeout for idle incoming HTTP connections"),
  "http.maxGracefulShutdownDuration": durationFlag(
    "7s",
    "Longest time a graceful shutdown of the HTTP server may take: new connections are refused " +
      "at once, requests in flight may finish until this deadline. Busy servers may need more",
  ),
  "http.disableResponseCompression": boolFlag(
    false,
    "Whether to send HTTP responses uncompressed, which saves CPU at the cost of network " +
      "bandwidth. Responses are compressed by default",
  ),
  "http.pathPrefix": stringFlag(
    "",
    "Optional prefix for every path the HTTP server handles, e.g. with " +
      "-http.pathPrefix=/foo/bar requests are served at /foo/bar/*. Useful behind a proxy",
  ),
  "http.header.hsts": stringFlag(
    "",
    "Value of the Strict-Transport-Security response header, e.g. " +
      "'max-age=31536000; includeSubDomains'. Not sent when empty",
  ),
  "http.header.frameOptions": stringFlag(
    "",
    "Value of the X-Frame-Options response header. Not sent when empty",
  ),
  "http.header.csp": stringFlag(
    "",
    "Value of the Content-Security-Policy response header, e.g. \"default-src 'self'\". " +
      "Not sent when empty",
  ),
  "http.header.disableServerHostname": boolFlag(
    false,
    "Whether to leave out the X-Server-Hostname header, which otherwise names this host in " +
      "every HTTP response",
  ),
  "http.disableCORS": boolFlag(
    false,
    "Whether to stop answering with CORS headers that allow every origin (*)",
  ),
  "maxInsertRequestSize": bytesFlag(
    32 * 1024 * 1024,
    "Largest Prometheus remote write request accepted at /api/v1/write, in bytes",
  ),
  "enableTCP6": boolFlag(
    false,
    "Whether to use IPv6 as well as IPv4 for listening and dialing; only IPv4 is used by " +
      "default",
  ),
  "tls": boolArrayFlag(
    "Whether to serve HTTPS at the corresponding -httpListenAddr. -tlsCertFile and -tlsKeyFile " +
      "must be set together with -tls",
  ),
  "tlsCertFile": stringArrayFlag(
    "Path to the TLS certificate for the corresponding -httpListenAddr when -tls is set. " +
      "The file is re-read every second, so it can be replaced while running",
  ),
  "tlsKeyFile": stringArrayFlag(
    "Path to the TLS key for the corresponding -httpListenAddr when -tls is set. " +
      "The file is re-read every second, so it can be replaced while running",
  ),
  "httpAuth.username": stringFlag(
    "",
    "Username for Basic Auth on the HTTP server. Authentication is off when it is empty. " +
      "See also -httpAuth.password",
  ),
  "httpAuth.password": passwordFlag(
    "Password for Basic Auth on the HTTP server. Authentication is off when -httpAuth.username " +
      "is empty",
  ),
  "metricsAuthKey": passwordFlag(`Auth key for the /metrics endpoint. ${AUTH_KEY_NOTE}`),
  "reloadAuthKey": passwordFlag(`Auth key for the /-/reload endpoint. ${AUTH_KEY_NOTE}`),
  "configAuthKey": passwordFlag(
    `Auth key for the /config and /remotewrite-.*-config pages. ${AUTH_KEY_NOTE}`,
  ),
  "flagsAuthKey": passwordFlag(`Auth key for the /flags endpoint. ${AUTH_KEY_NOTE}`),
  "pprofAuthKey": passwordFlag(`Auth key for the /debug/pprof/* endpoints. ${AUTH_KEY_NOTE}`),
  "loggerLevel": stringFlag(
    "INFO",
    "Lowest level of messages to log. One of INFO, WARN, ERROR, FATAL, PANIC",
  ),
  "loggerFormat": stringFlag("default", "Log format. One of default, json"),
  "loggerOutput": stringFlag("stderr", "Where logs go. One of stderr, stdout"),
  "loggerErrorsPerSecondLimit": intFlag(
    0,
    "At most this many ERROR messages are logged per second; the rest are suppressed. " +
      "0 means no limit",
  ),
  "loggerWarnsPerSecondLimit": intFlag(
    0,
    "At most this many WARN messages are logged per second; the rest are suppressed. " +
      "0 means no limit",
  ),
  "loggerDisableTimestamps": boolFlag(false, "Whether to write log lines without timestamps"),
  "loggerJSONFields": stringFlag(
    "",
    'Optional new names of the fields of JSON logs, e.g. "ts:timestamp,msg:message" ' +
      "renames ts to timestamp and msg to message. Fields: ts, level, caller, msg",
  ),
  "loggerTimezone": stringFlag(
    "UTC",
    "IANA time zone of log timestamps, e.g. America/New_York, Europe/Berlin, Etc/GMT+3 or Local",
  ),
  "envflag.enable": boolFlag(
    false,
    "Whether flags may also be read from environment variables. Values given on the command " +
      "line win over the environment. Only honoured on the command line",
  ),
  "envflag.prefix": stringFlag(
    "",
    "Prefix of the environment variables read when -envflag.enable is set",
  ),
  "secret.flags": stringArrayFlag(
    "Names of further flags whose values are secret; they are hidden in logs, on /flags and on " +
      "/metrics",
  ),
  "dryRun": boolFlag(
    false,
    "Check the config files and exit without starting: -promscrape.config, " +
      "-remoteWrite.relabelConfig and -remoteWrite.urlRelabelConfig. Unknown fields in " +
      "-promscrape.config are errors unless -promscrape.config.strictParse=false",
  ),
  "version": boolFlag(false, "Print the version and exit"),
  "memory.allowedPercent": floatFlag(
    60,
    "Share of system memory, in percent, that caches may use. See also -memory.allowedBytes. " +
      "Too low a value increases cache misses and CPU use; too high a value pushes data out of " +
      "the OS page cache",
  ),
  "memory.allowedBytes": bytesFlag(
    0,
    "Bytes of system memory that caches may use; when non-zero it overrides " +
      "-memory.allowedPercent. Too small a value (e.g. 1 byte) may make the process misbehave",
  ),
} as const;
