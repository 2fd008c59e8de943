import { servedOpenApiDocument } from '../api/openapi/served-document.js';
import type { OpenApiDocument } from '../api/openapi/document.js';
import { loadConfig } from '../config/env.js';

/**
 * The document the API serves with the default configuration (no environment, no .env): what the typed client is
 * generated from and Redocly lints. Only limits such as the largest cash-in amount depend on the configuration.
 */
export function defaultServedOpenApiDocument(): OpenApiDocument {
  return servedOpenApiDocument(loadConfig({}));
}
