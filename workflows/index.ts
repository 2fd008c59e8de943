// Every workflow the worker registers.
export { cashIn } from './cash-in/workflow.js';
export { deliverCallback } from './callbacks/deliver-callback.js';
export { unmatchedEvent } from './unmatched-event.js';
