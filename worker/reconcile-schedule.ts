import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Config } from '../config/env.js';
import type { Logger } from '../observability/logger.js';

export const RECONCILE_SCHEDULE_ID = 'reconcile';

/**
 * Creates, updates or removes the `reconcile` Schedule so that it matches `RECONCILE_INTERVAL_MINUTES` (0 turns it
 * off). Idempotent: every worker start calls it. A pass still running when the next is due makes that one skip,
 * so two passes never overlap (and the request ceiling holds whatever the number of workers). Each pass writes
 * where it stopped into the action's input, so the next one starts there.
 */
export async function ensureReconcileSchedule(temporal: Client, config: Config, logger: Logger): Promise<void> {
  const minutes = config.RECONCILE_INTERVAL_MINUTES;
  const handle = temporal.schedule.getHandle(RECONCILE_SCHEDULE_ID);
  if (minutes === 0) {
    await handle.delete().catch((err: unknown) => {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    });
    logger.info('reconciliation schedule off (RECONCILE_INTERVAL_MINUTES=0)');
    return;
  }
  const spec = { intervals: [{ every: `${Math.round(minutes * 60)} seconds` }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'reconcilePass',
    workflowId: 'reconcile',
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{}] as unknown[],
    staticSummary: `Reconciliation pass by age with ConnectPSP (every ${minutes} min)`,
  };
  try {
    await temporal.schedule.create({
      scheduleId: RECONCILE_SCHEDULE_ID,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      memo: { purpose: 'looks up lifecycles at checkpoint ages at ConnectPSP and delivers missed events' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    // The action's input is where the last pass stopped (each pass writes it): kept across worker starts.
    await handle.update((previous) => {
      const kept = previous.action.type === 'startWorkflow' && previous.action.workflowType === action.workflowType;
      return { ...previous, spec, action: kept ? { ...action, args: previous.action.args ?? action.args } : action };
    });
  }
  logger.info({ scheduleId: RECONCILE_SCHEDULE_ID, everyMinutes: minutes }, 'reconciliation schedule set');
}
