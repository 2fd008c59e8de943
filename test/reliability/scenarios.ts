/** The faults the runner can inject; a scenario is a set of them. */
export type Fault =
  | 'worker-kill'
  | 'psp-faults'
  | 'temporal-restart'
  | 'api-restart'
  | 'webhook-faults'
  | 'token-expiry'
  | 'worker-stall'
  | 'bad-replica'
  | 'stack-restart'
  | 'psp-not-found';

const ALL: Fault[] = [
  'worker-kill',
  'psp-faults',
  'temporal-restart',
  'api-restart',
  'webhook-faults',
  'token-expiry',
  'worker-stall',
  'bad-replica',
  'stack-restart',
  'psp-not-found',
];

export const SCENARIOS = {
  'worker-kill': ['worker-kill'],
  'psp-faults': ['psp-faults'],
  'temporal-restart': ['temporal-restart'],
  'api-restart': ['api-restart'],
  'webhook-faults': ['webhook-faults'],
  'token-expiry': ['token-expiry'],
  /** Every worker stopped (SIGSTOP) for a while, then resumed. */
  'worker-stall': ['worker-stall'],
  /** A second worker with a wrong ApplicationToken for a while, then one with a wrong CryptoToken, then none. */
  'bad-replica': ['bad-replica'],
  /** Everything, the sandbox included, stopped with SIGTERM mid-load and started again on the same data. */
  'stack-restart': ['stack-restart'],
  /** ConnectPSP answers 404 TRANSACTION_NOT_FOUND to lookups of transactions it has, for a while. */
  'psp-not-found': ['psp-not-found'],
  all: ALL,
} satisfies Record<string, Fault[]>;
export type ScenarioName = keyof typeof SCENARIOS;
