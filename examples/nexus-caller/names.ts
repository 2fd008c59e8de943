/** The caller example's own namespace and task queue: another service's, not ours. */
export const NEXUS_CALLER_NAMESPACE = 'nexus-caller';
export const NEXUS_CALLER_TASK_QUEUE = 'checkout';
