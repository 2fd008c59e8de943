import type { Client } from '@temporalio/client';
import { createActivities } from '../activities/index.js';
import { createReconcileActivities } from '../activities/reconcile.js';
import { createReconcileDueActivities } from '../activities/reconcile-due.js';
import { createCallbackActivities } from '../activities/callbacks.js';
import type { Config } from '../config/env.js';
import { ConnectPspClient } from '../connectpsp/client.js';
import type { Logger } from '../observability/logger.js';
import { RECONCILE_SCHEDULE_ID } from './reconcile-schedule.js';
import { recordConnectPspExchange, type Tracing } from '../observability/tracing.js';

export interface WorkerActivityOptions {
  /** Receives the ConnectPSP client's redacted exchange and failure lines. @default silent */
  logger?: Logger;
  /** When tracing is on, every ConnectPSP exchange becomes a client span of the calling activity. */
  tracing?: Tracing;
  /** The Temporal client the reconciliation lists, queries and signals lifecycles with; none, no reconciliation. */
  temporal?: Client;
}

/** The worker's activities, wired to ConnectPSP and to the callback signer from configuration. */
export function createWorkerActivities(config: Config, options: WorkerActivityOptions = {}) {
  const { tracing } = options;
  const client = new ConnectPspClient({
    baseUrl: config.connectPspBaseUrl,
    credentials: {
      clientId: config.CONNECTPSP_CLIENT_ID,
      clientSecret: config.CONNECTPSP_CLIENT_SECRET,
      applicationToken: config.CONNECTPSP_APPLICATION_TOKEN,
      cryptoToken: config.CONNECTPSP_CRYPTO_TOKEN,
    },
    logger: options.logger?.child({ component: 'connectpsp' }),
    onExchange: tracing ? (event) => recordConnectPspExchange(tracing.tracer, event) : undefined,
  });
  const activities = {
    ...createActivities({ client, webhookUrl: `${config.publicBaseUrl}/webhooks/connectpsp` }),
    ...createCallbackActivities({
      secret: config.CALLBACK_SECRET,
      destination: {
        requireHttps: config.NODE_ENV === 'production',
        allowPrivateNetworks: config.CALLBACK_ALLOW_PRIVATE_NETWORKS,
      },
      retry: {
        firstIntervalMs: config.CALLBACK_RETRY_FIRST_INTERVAL_SECONDS * 1000,
        maxIntervalMs: config.CALLBACK_RETRY_MAX_INTERVAL_SECONDS * 1000,
        giveUpAfterMs: config.CALLBACK_RETRY_PERIOD_SECONDS * 1000,
      },
    }),
    ...(options.temporal
      ? createReconcileActivities({
          temporal: options.temporal,
          connectPsp: client,
          namespace: config.TEMPORAL_NAMESPACE,
        })
      : {}),
  };
  // Run by their own worker, on the reconciliation's task queue (worker/reconcile-worker.ts).
  const reconcileActivities = options.temporal
    ? createReconcileDueActivities({
        temporal: options.temporal,
        connectPsp: client,
        config,
        scheduleId: RECONCILE_SCHEDULE_ID,
      })
    : undefined;
  return { client, activities, reconcileActivities };
}
