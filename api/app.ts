import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/env.js';
import { createPayloadCodec } from '../codec/data-converter.js';
import { ConnectPspClient } from '../connectpsp/client.js';
import { createApiMetrics, type ApiMetrics } from '../observability/api-metrics.js';
import type { Tracing } from '../observability/tracing.js';
import type { Logger } from '../observability/logger.js';
import { cashInRoutes } from './cash-ins/routes.js';
import { CashInService } from './cash-ins/service.js';
import { cashOutRoutes } from './cash-outs/routes.js';
import { CashOutService } from './cash-outs/service.js';
import { createAuthenticator } from './auth/authenticate.js';
import { scopeForV1Request } from './auth/scopes.js';
import { codecRoutes } from './codec/routes.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { eventRoutes } from './events/routes.js';
import { EventsService } from './events/service.js';
import { rateLimitPerCredential } from './rate-limit.js';
import { httpTracing } from './observability/http-tracing.js';
import { requestContext } from './observability/request-context.js';
import { allRouteDocs } from './openapi/catalog.js';
import { methodNotAllowed } from './openapi/method-not-allowed.js';
import { openApiRoutes } from './openapi/routes.js';
import { operationsRoutes } from './operations/routes.js';
import { walletRoutes } from './wallet/routes.js';
import { WalletService } from './wallet/service.js';
import { webhookRoutes } from './webhooks/routes.js';

export interface ApiDeps {
  config: Config;
  temporal: Client;
  logger: Logger;
  /** For readiness (a token obtainable); created from the configuration on first use when not given. */
  connectPsp?: ConnectPspClient;
  /** Its registry is what `/metrics` serves. @default a new registry */
  metrics?: ApiMetrics;
  /** Present only when tracing is on: then every request is a server span. */
  tracing?: Tracing;
}

export function createApp(deps: ApiDeps): Express {
  const { config, temporal, logger } = deps;
  const cashIns = new CashInService(temporal, config);
  const cashOuts = new CashOutService(temporal, config);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Every answer is dynamic: an ETag would hash each response body for a conditional GET nobody sends.
  app.set('etag', false);
  app.use(helmet());
  const metrics = deps.metrics ?? createApiMetrics();
  if (deps.tracing) app.use(httpTracing(deps.tracing.tracer));
  app.use(requestContext(logger, metrics));

  // Before any JSON parser: the webhook signature is computed over the raw bytes. First of the routes, as the
  // hottest path: ConnectPSP's webhooks skip the operations and documentation routes' matching.
  app.use('/webhooks', webhookRoutes({ temporal, config, logger, cashIns, cashOuts, metrics }));

  let connectPsp = deps.connectPsp;
  app.use(
    operationsRoutes({
      temporal,
      namespace: config.TEMPORAL_NAMESPACE,
      connectPsp: () => (connectPsp ??= ConnectPspClient.fromConfig(config)),
      metrics,
    }),
  );
  app.use(openApiRoutes(config));

  // Every /v1 route, whoever wrote it, sits behind this: no credential, no route. The scope follows from the
  // path (auth/scopes.ts), and the body is parsed only for a caller allowed to send it.
  const auth = createAuthenticator(config, logger);
  app.use(
    '/codec',
    codecRoutes({
      codec: createPayloadCodec(config.PAYLOAD_KEYS, { compress: config.PAYLOAD_COMPRESSION }),
      auth,
      corsOrigins: config.codecCorsOrigins,
      anonymousRedacted: config.CODEC_ANONYMOUS_REDACTED,
    }),
  );
  app.use(
    '/v1',
    auth.authenticate,
    auth.requireScope(scopeForV1Request),
    rateLimitPerCredential({ perSecond: config.RATE_LIMIT_PER_SECOND, burst: config.RATE_LIMIT_BURST }),
  );
  app.use('/v1', express.json({ limit: '32kb', strict: true }));
  app.use('/v1/cash-ins', cashInRoutes(cashIns, temporal, config));
  app.use('/v1/cash-outs', cashOutRoutes(cashOuts, temporal, config));
  app.use('/v1/wallet', walletRoutes(new WalletService(temporal, config)));
  app.use('/v1/events', eventRoutes(new EventsService(temporal, config)));

  app.use(methodNotAllowed(allRouteDocs(config)));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
