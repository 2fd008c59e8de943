import { Router } from 'express';
import { notFound } from '../problem.js';
import { eventIdSchema, listEventsQuerySchema, redeliverFilterSchema } from '../schemas/events.js';
import { parseOrThrow } from '../validate.js';
import { requestLogger } from '../observability/request-context.js';
import { presentEvent, presentEventSummary } from './presenter.js';
import type { EventsService } from './service.js';

/**
 * `GET /v1/events`, `GET /v1/events/{id}`, `POST /v1/events/{id}/redeliver`, `POST /v1/events/redeliver`: the
 * callbacks services were sent (or were owed) in the last 30 days, their attempts, and sending them again.
 */
export function eventRoutes(service: EventsService): Router {
  const router = Router();
  const eventId = (value: unknown): string => {
    const parsed = eventIdSchema.safeParse(value);
    if (!parsed.success) throw notFound(`No event with id ${String(value)}`);
    return parsed.data;
  };

  router.get('/', async (req, res) => {
    const { limit, cursor, ...filter } = parseOrThrow(listEventsQuerySchema, integerLimit(req.query), 'query');
    const { items, next } = await service.list(filter, limit, cursor);
    res.json({ items: items.map(presentEventSummary), nextCursor: next });
  });

  // `/redeliver` is not an event id, though `/:id` matches it: Express's own OPTIONS answer would list the GET of
  // `/:id` too, and a GET falls through to the 405 (its docs come before `/{id}`'s, api/openapi/method-not-allowed.ts).
  router.use('/redeliver', (req, res, next) => {
    if (req.method !== 'OPTIONS') return next();
    res.set('Allow', 'POST').send('POST');
  });
  router.post('/redeliver', async (req, res) => {
    const filter = parseOrThrow(redeliverFilterSchema, req.body ?? {}, 'body');
    const eventIds = await service.redeliverMatching(filter);
    requestLogger(res).info({ ...filter, events: eventIds.length }, 'events redelivered');
    res.status(202).json({ redelivered: eventIds.length, eventIds });
  });

  router.get('/:id', async (req, res, next) => {
    if (req.params.id === 'redeliver') return next();
    const { event } = await service.get(eventId(req.params.id));
    res.json(presentEvent(event));
  });

  router.post('/:id/redeliver', async (req, res) => {
    const eventIds = await service.redeliver(eventId(req.params.id));
    requestLogger(res).info({ eventId: eventIds[0] }, 'event redelivered');
    res.status(202).json({ redelivered: eventIds.length, eventIds });
  });

  return router;
}

/** `limit` is documented as an integer: plain decimal digits become one, anything else is left for zod to refuse. */
function integerLimit(query: unknown): unknown {
  if (typeof query !== 'object' || query === null) return query;
  const { limit } = query as { limit?: unknown };
  return typeof limit === 'string' && /^\d{1,3}$/.test(limit) ? { ...query, limit: Number(limit) } : query;
}
