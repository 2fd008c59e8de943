import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import Provider, { errors } from 'oidc-provider';
import { SCOPES } from '../../api/auth/scopes.js';
import { freePort } from '../../scripts/ports.js';

/** Our API's resource identifier at the identity provider: the `aud` of its access tokens. */
export const API_AUDIENCE = 'https://api.pix-agent.test';
/** The same audience, but the provider issues opaque tokens for it (checked by introspection). */
export const OPAQUE_RESOURCE = 'https://api.pix-agent.test/opaque';
/** Another API at the same provider: its tokens must not open ours. */
export const OTHER_AUDIENCE = 'https://ledger.other.test';

export const SERVICE_CLIENT = { id: 'billing-service', secret: 'billing-service-secret-0123456789' };
export const INTROSPECTION_CLIENT = { id: 'pix-agent-api', secret: 'pix-agent-api-secret-0123456789' };

export interface TestIdentityProvider {
  issuer: string;
  /** A real access token from the provider's token endpoint (client-credentials grant). */
  clientCredentialsToken(scopes: readonly string[], resource?: string): Promise<string>;
  /** A JWT signed with the provider's own signing key, claims as given: for expiry, issuer and nbf cases. */
  signWithIssuerKey(claims: JWTPayload): Promise<string>;
  stop(): Promise<void>;
}

/** A real OpenID provider (`oidc-provider`) on a free port, issuing JWT and opaque access tokens for our API. */
export async function startIdentityProvider(): Promise<TestIdentityProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey: JWK = { ...(await exportJWK(privateKey)), kid: 'test-signing-key', alg: 'RS256', use: 'sig' };
  const allScopes = SCOPES.join(' ');

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: SERVICE_CLIENT.id,
        client_secret: SERVICE_CLIENT.secret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        scope: allScopes,
      },
      {
        client_id: INTROSPECTION_CLIENT.id,
        client_secret: INTROSPECTION_CLIENT.secret,
        grant_types: [],
        redirect_uris: [],
        response_types: [],
      },
    ],
    jwks: { keys: [signingKey] },
    scopes: [...SCOPES],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_AUDIENCE,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource === API_AUDIENCE || resource === OTHER_AUDIENCE) {
            return { scope: allScopes, audience: resource, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
          }
          if (resource === OPAQUE_RESOURCE)
            return { scope: allScopes, audience: API_AUDIENCE, accessTokenFormat: 'opaque' };
          throw new errors.InvalidTarget();
        },
      },
    },
  });
  const server: Server = createServer(provider.callback()).listen(port, '127.0.0.1');
  await once(server, 'listening');

  return {
    issuer,
    async clientCredentialsToken(scopes, resource = API_AUDIENCE) {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${SERVICE_CLIENT.id}:${SERVICE_CLIENT.secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' '), resource }),
      });
      const body = (await res.json()) as { access_token?: string };
      if (!res.ok || !body.access_token)
        throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    signWithIssuerKey(claims) {
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: signingKey.kid, typ: 'at+jwt' })
        .sign(privateKey);
    },
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
