/**
 * The state `/health` reports: OK, or "in delayed shutdown" while
 * `-http.shutdownDelay` runs before the server closes (so load balancers move
 * traffic away first, as vmagent does).
 *
 * @module
 */

/**
 * Shared by {@linkcode serve} (which starts the delay) and the `/health`
 * handler (which reads it).
 *
 * @example
 * ```ts
 * const health = new HealthState();
 * health.startShutdownDelay(5000, Date.now());
 * health.isShuttingDown(); // true
 * ```
 */
export class HealthState {
  #deadline = 0;

  /** Marks the server as shutting down; `/health` answers 503 from now on. */
  startShutdownDelay(delayMs: number, nowMs: number): void {
    this.#deadline = nowMs + Math.max(0, delayMs);
  }

  /** Unix milliseconds when the delay ends; 0 while the server runs normally. */
  get shutdownDeadline(): number {
    return this.#deadline;
  }

  /** True once {@linkcode startShutdownDelay} was called. */
  isShuttingDown(): boolean {
    return this.#deadline > 0;
  }
}
