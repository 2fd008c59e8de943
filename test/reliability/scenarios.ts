/** The faults the runner can inject; a scenario is a set of them. */
export type Fault =
  'worker-kill' | 'psp-faults' | 'temporal-restart' | 'api-restart' | 'webhook-faults' | 'token-expiry';

export const SCENARIOS = {
  'worker-kill': ['worker-kill'],
  'psp-faults': ['psp-faults'],
  'temporal-restart': ['temporal-restart'],
  'api-restart': ['api-restart'],
  'webhook-faults': ['webhook-faults'],
  'token-expiry': ['token-expiry'],
  all: ['worker-kill', 'psp-faults', 'temporal-restart', 'api-restart', 'webhook-faults', 'token-expiry'],
} satisfies Record<string, Fault[]>;
export type ScenarioName = keyof typeof SCENARIOS;
