import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The API's Prometheus metrics, in a registry of their own (not prom-client's global one) so that several apps
 * in one process, as in the tests, never collide. Labels are route templates, status codes and enum values:
 * never a reference, an id, a name or a document.
 */
export interface ApiMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** ConnectPSP webhook deliveries by event type and what became of them. */
  webhookEvents: Counter<'event_type' | 'outcome'>;
}

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'pix_api_http_request_duration_seconds',
      help: 'HTTP request latency of the API by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    webhookEvents: new Counter({
      name: 'pix_api_webhook_events_total',
      help: 'ConnectPSP webhook deliveries by event type and outcome',
      labelNames: ['event_type', 'outcome'],
      registers: [registry],
    }),
  };
}
