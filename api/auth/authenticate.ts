import type { RequestHandler } from 'express';
import type { Config } from '../../config/env.js';
import type { Logger } from '../../observability/logger.js';
import { hashApiKey, type ApiKeyEntry } from './api-keys.js';
import { OidcVerifier, TokenRejected } from './oidc-verifier.js';
import { setPrincipal, type Principal } from './principal.js';
import { forbidden, unauthorized } from './problems.js';
import type { Scope } from './scopes.js';

export interface Authenticator {
  /** Establishes who is calling from `Authorization: Bearer …` (API key, JWT or opaque token), or answers 401. */
  authenticate: RequestHandler;
  /** Answers 403 unless the caller (already authenticated) holds the scope `scopeOf(req)` gives. */
  requireScope(scopeOf: Scope | ((method: string, path: string) => Scope | undefined)): RequestHandler;
}

/** The two schemes behind one middleware: static API keys first (a hash lookup), then the identity provider. */
export function createAuthenticator(config: Config, logger: Logger): Authenticator {
  const apiKeys = new Map<string, ApiKeyEntry>(config.API_KEYS.map((entry) => [entry.sha256, entry]));
  const oidc =
    config.OIDC_ISSUER && config.OIDC_AUDIENCE
      ? new OidcVerifier({
          issuer: config.OIDC_ISSUER,
          audience: config.OIDC_AUDIENCE,
          algorithms: config.OIDC_ALGORITHMS,
          clockToleranceSeconds: config.OIDC_CLOCK_TOLERANCE_SECONDS,
          introspection:
            config.OIDC_INTROSPECTION_CLIENT_ID && config.OIDC_INTROSPECTION_CLIENT_SECRET
              ? { clientId: config.OIDC_INTROSPECTION_CLIENT_ID, clientSecret: config.OIDC_INTROSPECTION_CLIENT_SECRET }
              : undefined,
          allowInsecureRequests: config.NODE_ENV !== 'production',
        })
      : undefined;
  if (apiKeys.size === 0 && oidc === undefined) {
    logger.warn('no API_KEYS or OIDC_ISSUER configured: every /v1 request will be refused');
  }

  const resolve = async (token: string): Promise<Principal> => {
    // Comparing digests, not keys: the lookup's timing can reveal nothing usable about a key.
    const entry = apiKeys.get(hashApiKey(token));
    if (entry) return { id: `api-key:${entry.name}`, scheme: 'api-key', scopes: entry.scopes };
    if (oidc) return oidc.verify(token);
    throw new TokenRejected('The token is not a known API key');
  };

  return {
    async authenticate(req, res, next) {
      const header = req.headers.authorization;
      if (header === undefined) throw unauthorized('An Authorization: Bearer credential is required', false);
      const match = /^Bearer +([\x21-\x7e]{1,4096})$/i.exec(header);
      if (!match) throw unauthorized('The Authorization header must be "Bearer <token>"', true);
      try {
        setPrincipal(res, await resolve(match[1]!));
      } catch (err) {
        if (!(err instanceof TokenRejected)) throw err;
        logger.info({ method: req.method, path: req.path, reason: err.message }, 'credential refused');
        throw unauthorized(err.message, true);
      }
      next();
    },
    requireScope(scopeOf) {
      return (req, res, next) => {
        const principal = res.locals.principal as Principal | undefined;
        if (principal === undefined) throw unauthorized('An Authorization: Bearer credential is required', false);
        const scope = typeof scopeOf === 'function' ? scopeOf(req.method, req.path) : scopeOf;
        if (scope === undefined || !principal.scopes.has(scope)) throw forbidden(scope);
        next();
      };
    },
  };
}
