import {
  ContinueAsNew,
  isCancellation,
  metricMeter,
  workflowInfo,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';

/** The payment lifecycles, by workflow type, and the kind they are counted as. */
const LIFECYCLES: Record<string, string> = { cashIn: 'CASH_IN', cashOut: 'CASH_OUT', rebalance: 'REBALANCE' };

/**
 * Counts each run's end on the worker's Prometheus endpoint: payment lifecycles by kind and terminal status
 * (`temporal_pix_lifecycle_terminal_total` once the runtime adds its prefix), callback deliveries
 * (`temporal_pix_callback_deliveries_total`). The
 * workflow metric meter emits nothing during replay, so a run is counted once however often it is replayed.
 * Labels are enum values only. A reopened lifecycle (a refund after SETTLED) counts again with its new end.
 */
export const interceptors: WorkflowInterceptorsFactory = () => {
  const type = workflowInfo().workflowType;
  const kind = LIFECYCLES[type];
  if (kind !== undefined) return { inbound: [counting('pix_lifecycle_terminal_total', kind, statusOf)] };
  if (type === 'deliverCallback')
    return { inbound: [counting('pix_callback_deliveries_total', 'CALLBACK', () => 'DELIVERED')] };
  return {};
};

function counting(name: string, kind: string, outcome: (result: unknown) => string): WorkflowInboundCallsInterceptor {
  return {
    async execute(input, next) {
      const counter = metricMeter.createCounter(name, 'runs', 'Workflow runs ended, by kind and terminal status');
      let result: unknown;
      try {
        result = await next(input);
      } catch (err) {
        if (!(err instanceof ContinueAsNew)) {
          counter.add(1, { kind, status: isCancellation(err) ? 'CANCELLED' : 'WORKFLOW_FAILED' });
        }
        throw err;
      }
      counter.add(1, { kind, status: outcome(result) });
      return result;
    },
  };
}

function statusOf(result: unknown): string {
  const status = (result as { status?: unknown } | undefined)?.status;
  return typeof status === 'string' && /^[A-Z_]{1,32}$/.test(status) ? status : 'UNKNOWN';
}
