import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema.js';

export type { components, operations, paths } from './schema.js';

export interface PixAgentClientOptions {
  /** Where the API answers, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** A service API key (or an OIDC access token), sent as `Authorization: Bearer`; only a development API runs open. */
  apiKey: string | undefined;
  /** @default globalThis.fetch */
  fetch?: (request: Request) => Promise<Response>;
}

export type PixAgentClient = Client<paths>;

/**
 * A typed client of the PIX agent API: openapi-fetch over the types openapi-typescript generated from our OpenAPI
 * document (`schema.d.ts`, `npm run client:generate`). Paths, parameters, bodies and answers, errors included, are
 * checked by the compiler; nothing is validated at run time beyond what the API itself does.
 */
export function createPixAgentClient(options: PixAgentClientOptions): PixAgentClient {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers: options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
