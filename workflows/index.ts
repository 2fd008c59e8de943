// Every workflow the worker registers.
export { cashIn } from './cash-in/workflow.js';
export { cashOut } from './cash-out/workflow.js';
export { rebalance } from './rebalance/workflow.js';
export { deliverCallback } from './callbacks/deliver-callback.js';
export { callbacks } from './callbacks/callbacks.js';
export { unmatchedEvent } from './unmatched-event.js';
export { readBalance } from './wallet/read-balance.js';
// The pass that compared every open lifecycle: kept for a pass the previous release's Schedule started.
export { reconcile } from './reconcile/workflow.js';
export { reconcilePass } from './reconcile/pass.js';
