import type { Context } from '@temporalio/activity';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Logger } from '../observability/logger.js';

/** Result and input fields that are ids, never personal data: the only ones copied into log lines. */
const ID_FIELDS = ['externalReference', 'transactionId', 'internalCode', 'endToEndId', 'originalEndToEndId', 'status'];

/**
 * One JSON line per activity execution, carrying the workflow id and ConnectPSP's ids of the payment, so an
 * operator can go from a log line to the workflow in the UI and to the transaction at ConnectPSP.
 */
export function activityLogging(logger: Logger): ActivityInterceptorsFactory {
  return (ctx: Context) => {
    const inbound: ActivityInboundCallsInterceptor = {
      async execute(input, next) {
        const { info } = ctx;
        const base = {
          workflowId: info.workflowExecution?.workflowId,
          runId: info.workflowExecution?.runId,
          activityType: info.activityType,
          attempt: info.attempt,
          ...pickIds(input.args[0]),
        };
        const started = performance.now();
        try {
          const result = await next(input);
          logger.info(
            { ...base, ...pickIds(result), durationMs: Math.round(performance.now() - started) },
            'activity completed',
          );
          return result;
        } catch (err) {
          const e = err as { name?: unknown; type?: unknown; message?: unknown };
          logger.warn(
            { ...base, durationMs: Math.round(performance.now() - started), error: e.type ?? e.name },
            'activity failed',
          );
          throw err;
        }
      },
    };
    return { inbound };
  };
}

function pickIds(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return {};
  const picked: Record<string, unknown> = {};
  for (const field of ID_FIELDS) {
    const v = (value as Record<string, unknown>)[field];
    if (typeof v === 'string') picked[field] = v;
  }
  return picked;
}
