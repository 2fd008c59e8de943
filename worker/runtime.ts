import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Config } from '../config/env.js';
import type { Logger } from '../observability/logger.js';

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The process-wide Temporal runtime of the worker: its logs (and the workflows' `log` lines, which carry the
 * workflow id) go to pino as JSON, and the SDK's metrics plus our workflow counters are served for Prometheus
 * at `WORKER_METRICS_HOST:WORKER_METRICS_PORT/metrics`. Must run before any connection or worker is created.
 * Signals are left to `worker/main.ts`: the SDK's own handler would keep a worker that is still starting alive.
 */
export function installWorkerRuntime(config: Config, logger: Logger): void {
  const metricsOn = config.WORKER_METRICS_PORT > 0;
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger('INFO', (entry) => {
      logger[PINO_LEVEL[entry.level]]({ ...entry.meta }, entry.message);
    }),
    telemetryOptions: metricsOn
      ? {
          metrics: {
            // One prefix for the SDK's metrics and ours (temporal_pix_*), as Temporal's dashboards expect.
            metricPrefix: 'temporal_',
            prometheus: {
              bindAddress: `${config.WORKER_METRICS_HOST}:${config.WORKER_METRICS_PORT}`,
              useSecondsForDurations: true,
            },
          },
        }
      : {},
  });
}
