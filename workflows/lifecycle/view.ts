import { formatBrl } from '../../connectpsp/money.js';

/**
 * What every payment lifecycle's view shares, and how its timeline writes times and money. Plain code: the rules
 * modules and the API import it without Temporal.
 */

/** Why a lifecycle is held up on our side, since when: shown in its view until the same call goes through. */
export interface Attention {
  /** The failure type: `INVALID_APPLICATION_TOKEN`, `TRANSACTION_NOT_FOUND`, `ACTIVITY_TIMEOUT`, … */
  code: string;
  since: string;
  detail: string;
}

export interface LifecycleView<S extends string> {
  externalReference: string;
  status: S;
  amountCentavos: number;
  timeline: { status: S; at: string; reason: string }[];
  attention?: Attention;
}

/**
 * When the lifecycle's money last moved at ConnectPSP, each way (ISO times): published for the reconciliation, which
 * explains the wallet's balance changes with them. ConnectPSP's own time where it gives one, else ours when we
 * learned of it (a payout's acceptance, a refund: our own requests' answers).
 */
export interface MoneyMoved {
  creditedAt?: string;
  debitedAt?: string;
}

/** The timeline's words for the Temporal UI's "Request Cancellation" (the SDK does not say who sent it). */
export const CANCELLATION_REQUESTED = 'cancellation requested (Temporal UI/CLI)';

/** The current time as the timeline writes it. In a workflow `Date.now()` is the task's time, so this replays. */
export function now(): string {
  return new Date(Date.now()).toISOString();
}

/** An amount as the timeline and the Temporal UI show it: `R$ 25,90`. */
export function brl(centavos: number): string {
  return `R$ ${formatBrl(centavos)}`;
}
