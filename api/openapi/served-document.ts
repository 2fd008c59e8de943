import { createRequire } from 'node:module';
import type { Config } from '../../config/env.js';
import { allRouteDocs } from './catalog.js';
import { buildOpenApiDocument, type OpenApiDocument } from './document.js';

const require = createRequire(import.meta.url);
const PACKAGE = require('../../package.json') as { version: string; license: string };

/**
 * The document `GET /openapi.json` serves. The typed client is generated from it in-process
 * (`npm run client:generate`), so the client and the served document come from one function.
 */
export function servedOpenApiDocument(config: Config): OpenApiDocument {
  return buildOpenApiDocument(
    {
      title: 'PIX agent API',
      version: PACKAGE.version,
      license: licenseOf(PACKAGE.license),
      description:
        'PIX cash-ins, cash-outs and wallet operations through ConnectPSP, each a durable Temporal workflow. ' +
        'Amounts are BRL decimals on the wire (number or string, at most 2 decimals). Every error is ' +
        '`application/problem+json` with a stable `code`.',
      servers: [{ url: '/', description: 'this server' }],
    },
    allRouteDocs(config),
  );
}

/** package.json's `license`, as OpenAPI names it: an SPDX identifier, or npm's UNLICENSED (a private package). */
function licenseOf(spdx: string): { name: string; identifier: string } {
  return spdx === 'UNLICENSED'
    ? { name: 'UNLICENSED: not licensed for use by others', identifier: 'LicenseRef-UNLICENSED' }
    : { name: spdx, identifier: spdx };
}
