/**
 * `vm_log_messages_total{app_version, level, location, is_printed}`: counts
 * log messages, printed or suppressed by level or rate limit, as vmagent does.
 * Wire it into the logger with `configureLogger({ onMessage: countLogMessages(...) })`.
 *
 * @module
 */

import { escapeLabelValue } from "./_exposition.ts";
import { metrics, type MetricsRegistry } from "./registry.ts";
import type { LogLevel } from "../util/log.ts";

/**
 * Returns a logger `onMessage` hook that counts messages in `registry`.
 *
 * @example
 * ```ts
 * configureLogger({ level: "INFO", onMessage: countLogMessages("v0.1.0") });
 * ```
 */
export function countLogMessages(
  appVersion: string,
  registry: MetricsRegistry = metrics,
): (level: LogLevel, caller: string, printed: boolean) => void {
  const version = escapeLabelValue(appVersion);
  return (level, caller, printed) => {
    registry.counter(
      `vm_log_messages_total{app_version="${version}", level="${level.toLowerCase()}", location="${
        escapeLabelValue(caller)
      }", is_printed="${printed}"}`,
    ).inc();
  };
}
