import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/env.js';
import type { Logger } from '../observability/logger.js';
import { cashInRoutes } from './cash-ins/routes.js';
import { CashInService } from './cash-ins/service.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { webhookRoutes } from './webhooks/routes.js';

export interface ApiDeps {
  config: Config;
  temporal: Client;
  logger: Logger;
}

export function createApp(deps: ApiDeps): Express {
  const { config, temporal, logger } = deps;
  const cashIns = new CashInService(temporal, config);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Before any JSON parser: the webhook signature is computed over the raw bytes.
  app.use('/webhooks', webhookRoutes({ temporal, config, logger, cashIns }));

  app.use('/v1', express.json({ limit: '32kb', strict: true }));
  app.use('/v1/cash-ins', cashInRoutes(cashIns, temporal, config));

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
