/**
 * `npm start` (see `launch-stack.ts`). Loading the stack's modules takes a moment; a signal meanwhile finds nothing
 * started yet and exits cleanly. The launcher replaces these handlers with its own as its first step.
 */
const exitNow = (): never => process.exit(0);
process.once('SIGINT', exitNow);
process.once('SIGTERM', exitNow);
await import('./launch-stack.js');
