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
import { type AgentFlags, FlagExit, parseAgentFlags } from "./lib/flags/mod.ts";
import { availableCPUs, readCPUQuota } from "./lib/metrics/resources.ts";
import { resolvedEnvLookup } from "./lib/util/envtemplate.ts";
import { configureLogger, getLogger } from "./lib/util/log.ts";
import { initXXHash64 } from "./lib/util/xxhash64.ts";

const encoder = new TextEncoder();

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
  try {
    await agent.start();
  } catch (e) {
    fail(`cannot start vmagent-deno: ${errorText(e)}`);
  }
  if (agent.listenAddr) log.info(`listening for http connections at ${agent.listenAddr}`);

  let signals = 0;
  const onStop = () => {
    signals++;
    if (signals > 1) {
      log.warn("received a second stop signal; exiting at once");
      Deno.exit(1);
    }
    agent.stop().then(() => Deno.exit(0), (e) => fail(`error while stopping: ${errorText(e)}`));
  };
  Deno.addSignalListener("SIGTERM", onStop);
  Deno.addSignalListener("SIGINT", onStop);
  hup.agent = agent;
  if (hup.asked) onReloadSignal();
}

if (import.meta.main) await main();
