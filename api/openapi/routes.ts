import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import type { Config } from '../../config/env.js';
import { servedOpenApiDocument } from './served-document.js';

const require = createRequire(import.meta.url);
const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));
// swagger-ui-dist's own assets, from node_modules: the page works with no internet access.
const SWAGGER_UI_DIR = (require('swagger-ui-dist') as { getAbsoluteFSPath(): string }).getAbsoluteFSPath();

/** `GET /openapi.json` (built once, at start) and `GET /docs` with its static assets. */
export function openApiRoutes(config: Config): Router {
  const document = JSON.stringify(servedOpenApiDocument(config));
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
