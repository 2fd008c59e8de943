import { isMainThread } from 'node:worker_threads';
import { whenParentGone } from './parent-watch.js';

/**
 * Imported first by the Node processes of the embedded stack (`run-with-launcher.ts`): when the process
 * that started them is gone without stopping them (SIGKILLed, crashed), each stops as if it got SIGTERM, so its own
 * graceful stop runs (the worker drains, the sandbox writes out its state) and nothing outlives the launcher.
 */
if (isMainThread) {
  // Output went to the launcher; once it is gone, a write fails (EPIPE) and must not end the graceful stop.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  const launcher = Number(process.env.STACK_LAUNCHER_PID);
  whenParentGone(Number.isInteger(launcher) && launcher > 0 ? launcher : process.ppid, () =>
    process.kill(process.pid, 'SIGTERM'),
  );
}
