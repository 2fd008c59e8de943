import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { ConnectPspClient } from '../../connectpsp/client.js';
import type { ApiMetrics } from '../../observability/api-metrics.js';
import { PROBLEM_CONTENT_TYPE } from '../errors.js';
import { checkReadiness } from './readiness.js';

/** `/healthz` (the process answers), `/readyz` (its dependencies do) and `/metrics` (Prometheus). */
export function operationsRoutes(deps: {
  temporal: Client;
  namespace: string;
  connectPsp: () => ConnectPspClient;
  metrics: ApiMetrics;
}): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const readiness = await checkReadiness(deps.temporal, deps.namespace, deps.connectPsp());
    if (readiness.ready) {
      res.json({ status: 'ready', checks: readiness.checks });
      return;
    }
    res
      .status(503)
      .type(PROBLEM_CONTENT_TYPE)
      .json({
        type: 'https://pix-agent.dev/problems/not-ready',
        title: 'Not ready',
        status: 503,
        code: 'NOT_READY',
        detail: `Not ready: ${Object.entries(readiness.checks)
          .filter(([, result]) => result !== 'ok')
          .map(([name, result]) => `${name} ${result}`)
          .join(', ')}`,
        checks: readiness.checks,
      });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
