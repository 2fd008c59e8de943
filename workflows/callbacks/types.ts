/**
 * The callback delivery's data, shared by its workflow and its activity. Plain types only (workflow code).
 */

/** A lifecycle event as services receive it: ids, status and amount only, never personal data. */
export interface CallbackEvent {
  /** Stable across delivery attempts: receivers deduplicate on it (`webhook-id`). */
  id: string;
  type: string;
  sequence: number;
  occurredAt: string;
  data: { externalReference: string; status: string; reason: string; amountCentavos: number };
}
