// The default export: tsx loads the CommonJS proto package that way (see test/support/temporal.ts).
import type { WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { centavosToBrl } from '../connectpsp/money.js';
import { cashInWorkflowId } from '../workflows/cash-in/messages.js';
import { AMOUNT_CENTAVOS, apiCreate, awaitSettled, newExternalReference, postCreate } from './cash-in-drivers.js';
import { runFloorLifecycle } from './floor/drive.js';
import type { BenchStack } from './stack.js';

const EventType = proto.temporal.api.enums.v1.EventType;

/**
 * What Temporal Cloud bills as Actions, counted from a history (docs.temporal.io/cloud/actions). Each rule is one
 * history event type and how many Actions it is worth:
 * - an update-with-start counts its start and its update (1 + 1), as the docs say; a signal-with-start would be 1;
 * - every activity attempt counts (`attempt` of ActivityTaskStarted), retries included;
 * - the local activities of one workflow task count 1 together (all its `RecordMarker`s are one Action); a patch
 *   marker is not a local activity, but counts 1 here too (conservative);
 * - a search-attribute upsert counts 1, except one that only sets `TemporalChangeVersion` (the SDK's, for patches);
 * - a memo upsert counts 1 (conservative: the docs do not list it).
 * Not in a history, so not counted here: every query a worker answers is 1 Action (each GET of a running
 * lifecycle, and the reconciliation sweep's one per running lifecycle per pass); a rejected update is 1.
 */
export const BILLABLE_EVENT_RULES: Record<string, string> = {
  EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: 'workflow started (client start, continue-as-new, child start): 1',
  EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: 'signal received: 1',
  EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: 'update accepted: 1',
  EVENT_TYPE_ACTIVITY_TASK_STARTED: 'activity attempt: 1 per attempt',
  EVENT_TYPE_TIMER_STARTED: 'timer started: 1',
  EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: 'search attributes upserted: 1 (TemporalChangeVersion alone: 0)',
  EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED: 'memo upserted: 1',
  EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: 'child workflow started: 1',
  EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: 'signal to another workflow: 1',
  EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: 'cancel of another workflow: 1',
  EVENT_TYPE_MARKER_RECORDED: 'markers of one workflow task (local activities, side effects, patches): 1',
};

/** History size targets of the 1.0 release, in bytes as the server counts them; KB read as 1,024 bytes. */
export const HISTORY_SIZE_TARGETS = { cashInBytes: 6 * 1024, completedPayoutBytes: 8 * 1024 };

/**
 * One happy-path cash-in through the API (create, auto-pay, webhook, SETTLED), then its cost read from Temporal;
 * and one lifecycle of the floor (`bench/floor/`), the smallest workflow of the same shape, read the same way.
 */
export async function temporalCost(stack: BenchStack) {
  const ref = newExternalReference('cost');
  await apiCreate(stack, ref);
  await awaitSettled(stack.client, ref);
  const cashIn = await historyCost(stack.client.workflow.getHandle(cashInWorkflowId(ref)));
  const floorId = await runFloorLifecycle(stack.floorClient, newExternalReference('cost-floor'));
  const { eventsByType: floorEvents, ...floor } = await historyCost(stack.floorClient.workflow.getHandle(floorId));
  const withCallback = await callbackCost(stack);
  return {
    ...cashIn,
    withCallback: { ...withCallback, extraBillableActions: withCallback.billableActions - cashIn.billableActions },
    billableRules: BILLABLE_EVENT_RULES,
    targets: { billableActions: 5, historyEvents: 15, historySizeBytes: HISTORY_SIZE_TARGETS.cashInBytes },
    floor: { ...floor, eventsByType: floorEvents },
  };
}

/**
 * The same happy-path cash-in with a `callbackUrl` (a receiver that answers 204), its cost summed over the
 * lifecycle and the workflows it started: a child's start is billed once, in the parent (its own
 * WORKFLOW_EXECUTION_STARTED is not counted again). Also what the events' record costs: its history bytes and its
 * visibility rows (one workflow per lifecycle run).
 */
export async function callbackCost(stack: BenchStack) {
  const received: string[] = [];
  const receiver = createServer((req, res) => {
    received.push(String(req.headers['webhook-id']));
    req.resume().on('end', () => res.writeHead(204).end());
  }).listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  try {
    const ref = newExternalReference('cost-callback');
    const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const payer = { name: 'Bench Payer', document: '12345678909' };
    await postCreate(
      stack,
      '/v1/cash-ins',
      { externalReference: ref, amount: centavosToBrl(AMOUNT_CENTAVOS), payer, callbackUrl },
      201,
    );
    await awaitSettled(stack.client, ref);
    const handle = stack.client.workflow.getHandle(cashInWorkflowId(ref));
    const lifecycle = await historyCost(handle);
    const children = ((await handle.fetchHistory()).events ?? []).flatMap((e) => {
      const id = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      return id ? [id] : [];
    });
    const childCosts = [];
    for (const id of children) {
      const child = stack.client.workflow.getHandle(id);
      await child.result();
      const cost = await historyCost(child);
      const startedHere = cost.actionsByEvent.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED ?? 0;
      childCosts.push({ ...cost, billableActions: cost.billableActions - startedHere });
    }
    return {
      billableActions: lifecycle.billableActions + childCosts.reduce((sum, c) => sum + c.billableActions, 0),
      callbacksReceived: received.length,
      lifecycle: {
        historyEvents: lifecycle.historyEvents,
        historySizeBytes: lifecycle.historySizeBytes,
        actionsByEvent: lifecycle.actionsByEvent,
      },
      childWorkflows: childCosts.map((c) => ({
        workflowId: c.workflowId,
        billableActions: c.billableActions,
        historyEvents: c.historyEvents,
        historySizeBytes: c.historySizeBytes,
      })),
      /** Workflows in visibility per lifecycle for its events: the callbacks record. */
      visibilityRows: children.length,
    };
  } finally {
    receiver.close();
  }
}

/**
 * What one run costs in Temporal, as the server counts it: history size in bytes (`describe()`'s `historySize`,
 * the UI's "History Size"), events, state transitions, and billable actions counted from its history.
 */
export async function historyCost(handle: WorkflowHandle) {
  const history = await handle.fetchHistory();
  const description = await handle.describe();
  const events = history.events ?? [];
  const byType: Record<string, number> = {};
  const actions: Record<string, number> = {};
  let markersBilledInTask: number | undefined;
  for (const event of events) {
    const name = EventType[event.eventType ?? 0] ?? String(event.eventType);
    byType[name] = (byType[name] ?? 0) + 1;
    if (BILLABLE_EVENT_RULES[name] === undefined) continue;
    const worth = actionsOf(event, markersBilledInTask);
    if (event.eventType === EventType.EVENT_TYPE_MARKER_RECORDED) {
      markersBilledInTask = Number(event.markerRecordedEventAttributes?.workflowTaskCompletedEventId ?? 0);
    }
    actions[name] = (actions[name] ?? 0) + worth;
  }
  const info = description.raw.workflowExecutionInfo;
  return {
    workflowId: handle.workflowId,
    /** RUNNING while the run is open (a payout in its return window), COMPLETED once it returned. */
    runStatus: description.status.name,
    historySizeBytes: description.historySize ?? Number(info?.historySizeBytes ?? 0),
    historyEvents: events.length,
    stateTransitions: Number(info?.stateTransitionCount ?? 0),
    billableActions: Object.values(actions).reduce((sum, n) => sum + n, 0),
    actionsByEvent: actions,
    eventsByType: byType,
  };
}

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

/** The Actions one billable event is worth (see BILLABLE_EVENT_RULES). */
function actionsOf(event: HistoryEvent, markersBilledInTask: number | undefined): number {
  switch (event.eventType) {
    case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
      return Math.max(1, event.activityTaskStartedEventAttributes?.attempt ?? 1);
    case EventType.EVENT_TYPE_MARKER_RECORDED: {
      const task = Number(event.markerRecordedEventAttributes?.workflowTaskCompletedEventId ?? 0);
      return task === markersBilledInTask ? 0 : 1;
    }
    case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
      const fields = Object.keys(
        event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {},
      );
      return fields.length > 0 && fields.every((f) => f === 'TemporalChangeVersion') ? 0 : 1;
    }
    default:
      return 1;
  }
}
