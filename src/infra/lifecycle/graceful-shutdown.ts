import { Logger } from '@nestjs/common';
import { ShutdownState } from './shutdown-state';

/** A running process as the shutdown sees it. */
export interface Stoppable {
  readonly shutdown: ShutdownState;
  /** Closes the listener and waits for the requests in flight (and disconnects realtime clients). */
  closeListeners(): Promise<void>;
  /** Runs the application's shutdown hooks (jobs and stream batches finish) and closes every connection. */
  close(): Promise<void>;
}

export interface ShutdownOptions {
  timeoutMs: number;
  drainDelayMs: number;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Shuts the process down gracefully on SIGTERM or SIGINT: readiness turns to 503 at once; after
 * `drainDelayMs` the listener closes (new connections are refused, requests in flight finish and commit); then
 * the application's shutdown hooks run (the stream consumer acknowledges what it committed and stops, the active
 * jobs finish or go back to their queue) and the connections close. The process then exits with status 0 once
 * nothing is left open. A failure, a second signal, or a shutdown still unfinished after `timeoutMs` (logged with
 * what was still open) ends the process with status 1.
 */
export function shutdownOnSignals(target: Stoppable, options: ShutdownOptions, logger = new Logger('Shutdown')): void {
  let started = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) {
      logger.error(`${signal} received again during shutdown: exiting now`);
      process.exit(1);
    }
    started = Date.now();
    logger.log(`${signal} received: draining (new requests refused after ${options.drainDelayMs} ms, at most ${options.timeoutMs} ms in all)`);
    const deadline = setTimeout(() => {
      logger.error(`shutdown did not finish within ${options.timeoutMs} ms; still open: ${openResources()}; exiting with status 1`);
      process.exit(1);
    }, options.timeoutMs);
    // the process ends by itself once everything is closed; the deadline must not keep it alive
    deadline.unref();
    shutdown(target, options, logger).then(
      () => logger.log(`shutdown complete in ${Date.now() - started} ms`),
      (e: unknown) => {
        logger.error({ err: e }, `shutdown failed: ${e instanceof Error ? e.message : String(e)}; exiting with status 1`);
        process.exit(1);
      },
    );
  };
  for (const s of SIGNALS) process.on(s, onSignal);
}

async function shutdown(target: Stoppable, options: ShutdownOptions, logger: Logger): Promise<void> {
  target.shutdown.beginDrain();
  if (options.drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, options.drainDelayMs));
  target.shutdown.beginClosing();
  await target.closeListeners();
  logger.log('listener closed and requests in flight answered; stopping workers and closing connections');
  await target.close();
}

function openResources(): string {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${r} × ${n}`).join(', ') || 'nothing';
}
