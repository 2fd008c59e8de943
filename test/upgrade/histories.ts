import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';

const { EventType, WorkflowExecutionStatus } = proto.temporal.api.enums.v1;

export interface NamespaceAudit {
  executions: number;
  /** Executions per status (RUNNING, COMPLETED, CONTINUED_AS_NEW, …). */
  byStatus: Record<string, number>;
  /** Executions that ended Failed, Terminated or TimedOut. */
  badlyClosed: string[];
  /** Every WORKFLOW_TASK_FAILED event: which run, its cause and message (a non-determinism error shows here). */
  failedTasks: string[];
  /** WORKFLOW_TASK_TIMED_OUT events: reported, not failures (a stopped worker's sticky queue times out). */
  timedOutTasks: number;
  /**
   * WORKFLOW_TASK_FAILED events the server wrote itself with cause UNHANDLED_COMMAND: a task tried to complete the run
   * while a new signal had arrived, so the server refused the completion and the task ran again with the signal.
   * That is how Temporal keeps a signal from being lost, not a fault of the workflow: reported, not failures.
   */
  racedTasks: number;
}

const BAD_ENDS = ['FAILED', 'TERMINATED', 'TIMED_OUT'];

/**
 * Every execution of the namespace, open or closed, every run: its status from visibility and its whole history
 * from the frontend. Payloads stay encoded: only event types and failure messages are read.
 */
export async function auditNamespace(address: string, namespace: string): Promise<NamespaceAudit> {
  const connection = await Connection.connect({ address });
  const audit: NamespaceAudit = {
    executions: 0,
    byStatus: {},
    badlyClosed: [],
    failedTasks: [],
    timedOutTasks: 0,
    racedTasks: 0,
  };
  try {
    const service = connection.workflowService;
    let pageToken: Uint8Array | undefined;
    do {
      const page = await service.listWorkflowExecutions({ namespace, query: '', nextPageToken: pageToken });
      for (const info of page.executions ?? []) {
        const workflowId = info.execution?.workflowId ?? '?';
        const runId = info.execution?.runId ?? '';
        const status = (WorkflowExecutionStatus[info.status ?? 0] ?? String(info.status)).replace(
          'WORKFLOW_EXECUTION_STATUS_',
          '',
        );
        audit.executions++;
        audit.byStatus[status] = (audit.byStatus[status] ?? 0) + 1;
        if (BAD_ENDS.includes(status)) audit.badlyClosed.push(`${workflowId} (${info.type?.name}): ${status}`);
        let historyToken: Uint8Array | undefined;
        do {
          const history = await service.getWorkflowExecutionHistory({
            namespace,
            execution: { workflowId, runId },
            nextPageToken: historyToken,
          });
          for (const event of history.history?.events ?? []) {
            if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) audit.timedOutTasks++;
            if (event.eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) continue;
            const attributes = event.workflowTaskFailedEventAttributes;
            const cause = proto.temporal.api.enums.v1.WorkflowTaskFailedCause[attributes?.cause ?? 0];
            if (cause === 'WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND') {
              audit.racedTasks++;
              continue;
            }
            const message = (attributes?.failure?.message ?? '').split('\n')[0]!.slice(0, 300);
            audit.failedTasks.push(`${workflowId} (${info.type?.name}) event ${event.eventId}: ${cause}: ${message}`);
          }
          historyToken = history.nextPageToken?.length ? history.nextPageToken : undefined;
        } while (historyToken);
      }
      pageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (pageToken);
  } finally {
    await connection.close();
  }
  return audit;
}

/** Whether a worker polls the task queue for workflow tasks (the stack's worker is up and has its bundle). */
export async function workerPolling(address: string, namespace: string, taskQueue: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    const answer = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (answer.pollers ?? []).length > 0;
  } finally {
    await connection.close();
  }
}
