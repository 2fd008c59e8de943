import { defineSignal, defineUpdate } from '@temporalio/workflow';

/**
 * The floor's messages and payloads, shared by its workflow, its worker and the bench that drives it. The floor is
 * the smallest workflow of a cash-in's shape (update-with-start, one local activity, a timer, a signal,
 * completion): what raw Temporal costs for that shape, with nothing of ours in it.
 */

export const FLOOR_TASK_QUEUE = 'bench-floor';
/** Size of every payload the floor carries (input, the local activity's answer, update, signal, result). */
export const PAYLOAD_BYTES = 100;

/** Update-with-start target: answers with the local activity's result, as the cash-in's create answers its charge. */
export const createFloorUpdate = defineUpdate<string>('create');
/** The payment, as the cash-in's `cashInEvent` brings it. */
export const paidFloorSignal = defineSignal<[string]>('paid');

export const floorWorkflowId = (reference: string) => `floor:${reference}`;

/** A string of {@link PAYLOAD_BYTES} bytes once JSON-encoded (the two quotes included), starting with `tag`. */
export const floorPayload = (tag: string) => tag.slice(0, PAYLOAD_BYTES - 2).padEnd(PAYLOAD_BYTES - 2, '.');
