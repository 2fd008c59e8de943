import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import type { Config } from '../../config/env.js';
import { allRouteDocs } from './catalog.js';
import { buildOpenApiDocument } from './document.js';

const require = createRequire(import.meta.url);
const VERSION = (require('../../package.json') as { version: string }).version;
const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));
// swagger-ui-dist's own assets, from node_modules: the page works with no internet access.
const SWAGGER_UI_DIR = (require('swagger-ui-dist') as { getAbsoluteFSPath(): string }).getAbsoluteFSPath();

/** `GET /openapi.json` (built once, at start) and `GET /docs` with its static assets. */
export function openApiRoutes(config: Config): Router {
  const document = JSON.stringify(
    buildOpenApiDocument(
      {
        title: 'PIX agent API',
        version: VERSION,
        description:
          'PIX cash-ins, cash-outs and wallet operations through ConnectPSP, each a durable Temporal workflow. ' +
          'Amounts are BRL decimals on the wire (number or string, at most 2 decimals). Every error is ' +
          '`application/problem+json` with a stable `code`.',
        servers: [{ url: '/', description: 'this server' }],
      },
      allRouteDocs(config),
    ),
  );
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(document);
  });
  router.get('/docs', (_req, res) => {
    res.sendFile('index.html', { root: PAGE_DIR });
  });
  router.use('/docs', express.static(PAGE_DIR, { index: false }), express.static(SWAGGER_UI_DIR, { index: false }));
  return router;
}
