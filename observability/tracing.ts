import { context, propagation, SpanKind, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config/env.js';
import type { ExchangeEvent } from '../connectpsp/logger.js';

/**
 * OpenTelemetry tracing across API → Temporal → activities → ConnectPSP. Off by default: when
 * `TRACING_EXPORTER=none` (and no exporter is injected) {@link createTracing} returns undefined and no
 * tracing middleware, interceptor or sink is installed at all, so the hot paths carry no tracing cost.
 */
export interface Tracing {
  tracer: Tracer;
  resource: Resource;
  /** Shared by the API/worker spans and the workflow spans sink. */
  spanProcessor: SpanProcessor;
  /** Flushes pending spans and stops exporting. */
  shutdown(): Promise<void>;
}

export function createTracing(
  config: Pick<Config, 'TRACING_EXPORTER' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'>,
  serviceName: string,
  /** Replaces the configured exporter (tests use an in-memory one). */
  exporter?: SpanExporter,
): Tracing | undefined {
  if (exporter === undefined && config.TRACING_EXPORTER === 'none') return undefined;
  // Context must flow through async/await and trace ids through Temporal headers: both are process-wide.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const resource = new Resource({ 'service.name': serviceName });
  const spanProcessor = exporter
    ? new SimpleSpanProcessor(exporter)
    : config.TRACING_EXPORTER === 'console'
      ? new SimpleSpanProcessor(new ConsoleSpanExporter())
      : new BatchSpanProcessor(new OTLPTraceExporter({ url: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT }));
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  return {
    tracer: provider.getTracer('pix-agent'),
    resource,
    spanProcessor,
    shutdown: () => provider.shutdown(),
  };
}

/**
 * A client span for one finished ConnectPSP exchange, as a child of the active span (the activity's). The
 * client reports exchanges after the fact, so the span is back-dated by the measured duration.
 */
export function recordConnectPspExchange(tracer: Tracer, event: ExchangeEvent): void {
  const end = Date.now();
  const span = tracer.startSpan(
    `ConnectPSP ${event.operation}`,
    {
      kind: SpanKind.CLIENT,
      startTime: end - event.durationMs,
      attributes: {
        'connectpsp.operation': event.operation,
        ...(event.status === undefined ? {} : { 'http.response.status_code': event.status }),
        ...(event.errorCode === undefined ? {} : { 'connectpsp.error_code': event.errorCode }),
      },
    },
    context.active(),
  );
  if (event.errorCode !== undefined) span.setStatus({ code: 2, message: event.errorCode });
  span.end(end);
}
