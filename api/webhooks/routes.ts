import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { z } from 'zod';
import type { Config } from '../../config/env.js';
import {
  CashInSchema,
  CashOutSchema,
  WebhookEnvelopeSchema,
  WebhookEventTypeSchema,
} from '../../connectpsp/schemas/index.js';
import { verifyWebhookSignature } from '../../connectpsp/signing.js';
import type { ApiMetrics } from '../../observability/api-metrics.js';
import type { Logger } from '../../observability/logger.js';
import { cashInWorkflowId } from '../../workflows/cash-in/messages.js';
import { cashOutWorkflowId } from '../../workflows/cash-out/messages.js';
import { unmatchedEvent, type UnmatchedEvent } from '../../workflows/unmatched-event.js';
import { PaymentKind, PaymentReference } from '../../workflows/search-attributes.js';
import type { CashInService } from '../cash-ins/service.js';
import type { CashOutService } from '../cash-outs/service.js';
import type { DeliveryOutcome } from '../lifecycles/lifecycle-workflows.js';
import { requestLogger } from '../observability/request-context.js';
import { Problem } from '../problem.js';
import { toCashInEvent, toCashOutEvent } from './events.js';

const MAX_WEBHOOK_BYTES = 64 * 1024;
const TEMPORAL_BUDGET_MS = 3_000;

/**
 * `POST /webhooks/connectpsp`: the signature is checked on the raw bytes before anything else is looked at;
 * then the event is signalled to its lifecycle. 200 means Temporal holds the event; 503 makes ConnectPSP retry.
 */
export function webhookRoutes(deps: {
  temporal: Client;
  config: Config;
  logger: Logger;
  cashIns: CashInService;
  cashOuts: CashOutService;
  metrics?: ApiMetrics;
}): Router {
  const { temporal, config, cashIns, cashOuts, metrics } = deps;
  const router = Router();
  router.post('/connectpsp', express.raw({ type: () => true, limit: MAX_WEBHOOK_BYTES }), async (req, res) => {
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const logger = requestLogger(res) ?? deps.logger;
    // Metric labels from a closed set only: an unverified body could put anything in eventType.
    let eventTypeLabel = 'unverified';
    let outcome = 'error';
    res.once('finish', () => {
      const result = res.statusCode === 200 ? outcome : (WEBHOOK_REFUSALS[res.statusCode] ?? 'error');
      metrics?.webhookEvents.inc({ event_type: eventTypeLabel, outcome: result });
    });
    if (!verifyWebhookSignature(raw, req.headers['x-connect-signature'], config.CONNECTPSP_CRYPTO_TOKEN)) {
      logger.warn({ eventId: req.headers['x-event-id'], bytes: raw.length }, 'webhook refused: bad signature');
      throw new Problem(401, 'INVALID_SIGNATURE', 'Invalid signature', 'X-Connect-Signature is missing or wrong');
    }
    const envelope = WebhookEnvelopeSchema.safeParse(parseJson(raw));
    if (!envelope.success) {
      throw new Problem(400, 'INVALID_EVENT', 'Invalid event', 'The body is not a ConnectPSP event envelope');
    }
    const { eventType, eventAt, data } = envelope.data;
    eventTypeLabel = WebhookEventTypeSchema.safeParse(eventType).success ? eventType : 'other';
    let ids: Record<string, unknown> = {};
    // ConnectPSP gives up after 5 s: past this budget a slow or unreachable Temporal gets a 503 (it retries).
    await temporal.withDeadline(Date.now() + TEMPORAL_BUDGET_MS, async () => {
      const lifecycle =
        eventType === 'CASHIN_PAID' || eventType === 'CASHIN_REFUNDED'
          ? lifecycleOf('cash-in', CashInSchema, (d) => toCashInEvent(eventType, eventAt, d), cashInWorkflowId, cashIns)
          : eventType === 'CASHOUT_COMPLETED' || eventType === 'CASHOUT_FAILED' || eventType === 'CASHOUT_REFUNDED'
            ? lifecycleOf(
                'cash-out',
                CashOutSchema,
                (d) => toCashOutEvent(eventType, eventAt, d),
                cashOutWorkflowId,
                cashOuts,
              )
            : undefined;
      if (lifecycle) {
        const delivery = lifecycle(data);
        if (!delivery) {
          throw new Problem(400, 'INVALID_EVENT', 'Invalid event', `The ${eventType} data does not match its type`);
        }
        ids = delivery.ids;
        outcome = await delivery.deliver();
        if (outcome === 'unknown') {
          await record(temporal, config, { ...delivery.unmatched, reason: `no such ${delivery.noun}` }, raw);
        }
      } else {
        const reference = typeof data.externalReference === 'string' ? data.externalReference : undefined;
        await record(
          temporal,
          config,
          { eventType, eventAt, externalReference: reference, reason: 'event type not handled' },
          raw,
        );
        outcome = 'recorded';
      }
    });
    logger.info({ eventType, eventId: req.headers['x-event-id'], outcome, ...ids }, 'webhook accepted');
    res.status(200).json({ received: true });
  });
  return router;
}

/** What delivering to one lifecycle kind needs: ConnectPSP's data checked, reduced to the event, sent. */
function lifecycleOf<D extends PaymentData, E extends PspEvent>(
  noun: string,
  schema: z.ZodType<D>,
  toEvent: (data: D) => E,
  workflowId: (externalReference: string) => string,
  service: { deliverEvent(externalReference: string, event: E): Promise<DeliveryOutcome> },
) {
  return (data: unknown) => {
    const parsed = schema.safeParse(data);
    if (!parsed.success) return undefined;
    const event = toEvent(parsed.data);
    const reference = parsed.data.externalReference;
    return {
      noun,
      ids: paymentIds(workflowId(reference), parsed.data),
      unmatched: {
        eventType: event.eventType,
        eventAt: event.eventAt,
        externalReference: reference,
        transactionId: event.transactionId,
        endToEndId: event.endToEndId,
        status: event.status,
        amountCentavos: event.amountCentavos,
      },
      deliver: () => service.deliverEvent(reference, event),
    };
  };
}

/** What both lifecycles' events carry, and all an unmatched record keeps of them. */
type PspEvent = Required<Pick<UnmatchedEvent, 'transactionId' | 'status' | 'amountCentavos'>> &
  Pick<UnmatchedEvent, 'eventType' | 'eventAt' | 'endToEndId'>;

type PaymentData = { externalReference: string; transactionId: string; endToEndId?: string | null };

/** What a refused delivery counts as, by our answer's status. */
const WEBHOOK_REFUSALS: Record<number, string> = { 400: 'invalid_event', 401: 'invalid_signature', 503: 'unavailable' };

/** The ids a payment's log lines carry: ours, the service's and ConnectPSP's (never personal data). */
function paymentIds(workflowId: string, data: PaymentData): Record<string, unknown> {
  return {
    workflowId,
    externalReference: data.externalReference,
    transactionId: data.transactionId,
    endToEndId: data.endToEndId ?? undefined,
  };
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Keeps an event that matched no lifecycle as a workflow of its own; its id dedups repeated deliveries. */
async function record(temporal: Client, config: Config, event: UnmatchedEvent, raw: Buffer): Promise<void> {
  const digest = createHash('sha256').update(raw).digest('hex').slice(0, 32);
  try {
    await temporal.workflow.start(unmatchedEvent, {
      workflowId: `unmatched-event:${event.eventType}:${digest}`,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [event],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: PaymentKind, value: 'UNMATCHED_EVENT' },
        ...(event.externalReference ? [{ key: PaymentReference, value: event.externalReference }] : []),
      ],
      staticSummary: `Unmatched ${event.eventType}: ${event.reason}`,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
