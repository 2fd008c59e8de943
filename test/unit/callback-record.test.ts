import { applyOutcome, nextRetryInMs, publication } from '../../workflows/callbacks/record.js';
import type { CallbacksRecord, RecordedEvent, RetrySchedule } from '../../workflows/callbacks/types.js';

const T0 = Date.parse('2026-12-04T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const schedule: RetrySchedule = { firstIntervalMs: 5_000, maxIntervalMs: 60_000, giveUpAfterMs: 3_600_000 };

function pending(sequence: number, attemptsAtMs: number[] = []): RecordedEvent {
  return {
    event: {
      id: `callback:cash-in:order-1:${sequence}`,
      type: 'cash-in.paid',
      sequence,
      occurredAt: at(0),
      data: { externalReference: 'order-1', status: 'PAID', reason: 'paid', amountCentavos: 100 },
    },
    delivery: 'pending',
    attempts: attemptsAtMs.map((ms) => ({ at: at(ms), durationMs: 3, httpStatus: 503 })),
  };
}

test('the wait between attempts doubles from the first interval up to the cap', () => {
  expect(nextRetryInMs(pending(2, [0]), schedule, T0)).toBe(5_000);
  expect(nextRetryInMs(pending(2, [0, 5_000]), schedule, T0 + 5_000)).toBe(10_000);
  expect(nextRetryInMs(pending(2, [0, 1, 2, 3, 4, 5, 6, 7]), schedule, T0 + 10)).toBe(60_000);
});

test('an event is given up once the next attempt would fall after its retry period', () => {
  expect(nextRetryInMs(pending(2, [0]), schedule, T0 + 3_595_000)).toBe(5_000);
  expect(nextRetryInMs(pending(2, [0]), schedule, T0 + 3_595_001)).toBeUndefined();
});

test('a redelivery starts a new period: only the attempts since count', () => {
  const redelivered = { ...pending(2, [0, 1_000, 2_000]), pendingSince: at(7_200_000) };
  expect(nextRetryInMs(redelivered, schedule, T0 + 7_200_000)).toBe(5_000);
});

test('each attempt is recorded on its event: a 2xx delivers it, a refused destination fails it at once', () => {
  const record: CallbacksRecord = {
    url: 'https://shop.example/hooks',
    lifecycleWorkflowId: 'cash-in:order-1',
    externalReference: 'order-1',
    events: [pending(2), pending(3), pending(4)],
  };
  record.events[0]!.pendingSince = at(0);
  applyOutcome(record, [
    {
      eventId: record.events[0]!.event.id,
      attempt: { at: at(1), durationMs: 4, httpStatus: 204 },
      delivered: true,
      permanent: false,
    },
    {
      eventId: record.events[1]!.event.id,
      attempt: { at: at(2), durationMs: 0, error: 'refused' },
      delivered: false,
      permanent: true,
    },
  ]);
  expect(record.events.map((e) => [e.delivery, e.attempts.length])).toEqual([
    ['delivered', 1],
    ['failed', 1],
    ['pending', 0],
  ]);
  expect(record.events[0]!.pendingSince).toBeUndefined();
  // What the events API filters on: the types and the delivery states the record holds.
  const attributes = Object.fromEntries(publication(record).searchAttributes.map((a) => [a.key.name, a.value]));
  expect(attributes).toEqual({
    CallbackLifecycle: 'cash-in:order-1',
    CallbackReference: 'order-1',
    CallbackEventTypes: ['cash-in.paid'],
    CallbackDelivery: ['delivered', 'failed', 'pending'],
  });
});
