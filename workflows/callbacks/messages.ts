import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { CallbacksRecord, RecordedEvent } from './types.js';

/** The `callbacks` workflow of a lifecycle run whose first event has `sequence` (a reopened run has its own). */
export function callbacksWorkflowId(lifecycleWorkflowId: string, firstSequence: number): string {
  return `callbacks:${lifecycleWorkflowId}:${firstSequence}`;
}

/** An event's id, its `webhook-id`: the lifecycle's workflow id and the event's place in its timeline. */
export function callbackEventId(lifecycleWorkflowId: string, sequence: number): string {
  return `callback:${lifecycleWorkflowId}:${sequence}`;
}

/** Events the lifecycle made after it handed its delivery over, in order. */
export const callbackEventsSignal = defineSignal<[RecordedEvent[]]>('callbackEvents');
/** The lifecycle run ended: no more events will come, so the workflow closes once nothing is pending. */
export const lifecycleClosedSignal = defineSignal('lifecycleClosed');
/** Send these events again (by id), whatever their state: same id, same payload, a new signature. */
export const redeliverSignal = defineSignal<[string[]]>('redeliver');
export const callbacksRecordQuery = defineQuery<CallbacksRecord>('callbacksRecord');
/** A running lifecycle's own record of its callbacks (before it hands over or closes, no `callbacks` workflow has it). */
export const lifecycleCallbacksQuery = defineQuery<CallbacksRecord>('lifecycleCallbacks');
