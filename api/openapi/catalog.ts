import type { Config } from '../../config/env.js';
import { cashInRouteDocs } from '../cash-ins/docs.js';
import { cashOutRouteDocs } from '../cash-outs/docs.js';
import { codecRouteDocs } from '../codec/docs.js';
import { eventRouteDocs } from '../events/docs.js';
import { operationsRouteDocs } from '../operations/docs.js';
import { walletRouteDocs } from '../wallet/docs.js';
import { webhookRouteDocs } from '../webhooks/docs.js';
import { openApiRouteDocs } from './docs.js';
import type { RouteDoc } from './route-doc.js';

/**
 * Every router's documentation. A new router adds its `docs.ts` here; the "every route is documented" test
 * (test/integration/openapi.test.ts) names any Express route that is missing.
 */
export function allRouteDocs(config: Config): RouteDoc[] {
  return [
    ...cashInRouteDocs(config),
    ...cashOutRouteDocs(config),
    ...walletRouteDocs,
    ...eventRouteDocs,
    ...webhookRouteDocs,
    ...codecRouteDocs,
    ...operationsRouteDocs,
    ...openApiRouteDocs,
  ];
}
