/**
 * vmagent-deno: the entry point. Parses flags, prepares the agent, runs it until
 * SIGTERM or SIGINT, and reloads on SIGHUP. Bad input ends the process with a
 * one-line error and a non-zero exit code, never a stack trace.
 *
 * @module
 */
import { Agent, loadRemoteWriteRelabeling } from "./app/agent.ts";
import { dryRunSummary } from "./app/dry_run.ts";
import { loggerOptions } from "./app/options.ts";
import { VERSION } from "./app/version.ts";
import { countLogMessages } from "./lib/metrics/log_messages.ts";
import { type AgentFlags, describeFlags, FlagExit, parseAgentFlags } from "./lib/flags/mod.ts";
import { goQuote } from "./lib/util/go_strconv.ts";
import { availableCPUs, readCPUQuota } from "./lib/metrics/resources.ts";
import { resolvedEnvLookup } from "./lib/util/envtemplate.ts";
import { configureLogger, getLogger } from "./lib/util/log.ts";
import { initXXHash64 } from "./lib/util/xxhash64.ts";

const encoder = new TextEncoder();

/** A stop signal this soon after the first is the copy `deno task` forwards, and is ignored. */
const REPEATED_SIGNAL_MS = 500;

function fail(msg: string, code = 1): never {
  Deno.stderr.writeSync(encoder.encode(msg.endsWith("\n") ? msg : msg + "\n"));
  Deno.exit(code);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function main(): Promise<void> {
  // Catch SIGHUP before anything is read, as vmagent does (its issue 1240): Deno's default
  // action would end the process, and a reload asked for during start-up must not be lost.
  const hup: { agent?: Agent; asked: boolean } = { asked: false };
  const onReloadSignal = () => {
    if (hup.agent === undefined) {
      hup.asked = true;
      return;
    }
    getLogger("vmagent").info("received SIGHUP; reloading the config");
    hup.agent.reload();
  };
  Deno.addSignalListener("SIGHUP", onReloadSignal);
  const envAll = Deno.env.toObject();
  let flags: AgentFlags;
  try {
    // Flag defaults that follow the CPU count (-remoteWrite.queues) use the cgroup CPU quota,
    // as vmagent does: a container limited to 1 CPU on a 16-core node counts 1.
    const cpus = availableCPUs(readCPUQuota(), Math.max(1, navigator.hardwareConcurrency || 1));
    flags = parseAgentFlags(Deno.args, { env: envAll, version: VERSION, cpus });
  } catch (e) {
    if (e instanceof FlagExit) {
      const out = e.stream === "stdout" ? Deno.stdout : Deno.stderr;
      out.writeSync(encoder.encode(e.output));
      Deno.exit(e.exitCode);
    }
    throw e;
  }
  try {
    configureLogger({ ...loggerOptions(flags), onMessage: countLogMessages(VERSION) });
  } catch (e) {
    fail(errorText(e), 2);
  }
  const log = getLogger("vmagent");
  await initXXHash64();
  const env = resolvedEnvLookup(envAll);
  let agent: Agent;
  try {
    agent = await Agent.prepare({ flags, env });
  } catch (e) {
    fail(`cannot start vmagent-deno: ${errorText(e)}`);
  }
  if (flags.get("dryRun") || flags.get("promscrape.config.dryRun")) {
    // vmagent's -dryRun also checks -remoteWrite.relabelConfig and -remoteWrite.urlRelabelConfig;
    // -promscrape.config.dryRun checks only -promscrape.config.
    if (flags.get("dryRun")) {
      try {
        await loadRemoteWriteRelabeling(flags, env);
      } catch (e) {
        fail(`error when checking relabel configs: ${errorText(e)}`);
      }
    }
    try {
      const summary = dryRunSummary(agent.config, {
        cluster: agent.cluster,
        remoteWriteURLs: flags.get("remoteWrite.url").length,
      });
      Deno.stdout.writeSync(encoder.encode(summary));
    } catch (e) {
      fail(`dry run failed: ${errorText(e)}`);
    }
    Deno.exit(0);
  }
  log.info(`starting ${VERSION}`);
  // As vmagent logs them at start-up: the flags that were set, secrets shown as `secret`.
  log.info("command line flags");
  for (const f of describeFlags(flags)) {
    if (f.isSet) log.info(`flag ${goQuote(f.name)}=${goQuote(f.value)}`);
  }
  try {
    await agent.start();
  } catch (e) {
    fail(`cannot start vmagent-deno: ${errorText(e)}`);
  }
  if (agent.listenAddr) log.info(`listening for http connections at ${agent.listenAddr}`);

  let firstSignalAt: number | undefined;
  const onStop = () => {
    if (firstSignalAt !== undefined) {
      // A terminal's Ctrl-C reaches both `deno task` and the agent, and `deno task` forwards
      // it once more: a repeat this soon is that copy, not a user asking twice.
      if (performance.now() - firstSignalAt < REPEATED_SIGNAL_MS) return;
      log.warn("received a second stop signal; exiting at once");
      Deno.exit(1);
    }
    firstSignalAt = performance.now();
    agent.stop().then(() => Deno.exit(0), (e) => fail(`error while stopping: ${errorText(e)}`));
  };
  Deno.addSignalListener("SIGTERM", onStop);
  Deno.addSignalListener("SIGINT", onStop);
  hup.agent = agent;
  if (hup.asked) onReloadSignal();
}

if (import.meta.main) await main();
