import * as oidc from 'openid-client';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { unavailable } from '../problem.js';
import type { Principal } from './principal.js';

export interface OidcVerifierOptions {
  issuer: string;
  audience: string;
  /** Accepted JWS algorithms; anything else (and `none`) is refused. */
  algorithms: string[];
  clockToleranceSeconds: number;
  /** Client allowed to call the introspection endpoint; without it opaque tokens are refused. */
  introspection?: { clientId: string; clientSecret: string };
  /** Plain-http issuer, for development and the in-process test provider only. */
  allowInsecureRequests: boolean;
}

interface Discovered {
  configuration: oidc.Configuration;
  jwks: ReturnType<typeof createRemoteJWKSet>;
  issuer: string;
}

/** A JWT is three base64url parts; an unsecured one (`alg: none`) has an empty third part and is still a JWT here. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Why a token was refused, said to the caller in `WWW-Authenticate`; never includes the token. */
export class TokenRejected extends Error {
  override name = 'TokenRejected';
}

/**
 * Verifies access tokens from the identity provider. The issuer's metadata is discovered with openid-client on
 * first use (and again after a failure), JWTs are checked with jose against the discovered JWKS, opaque tokens
 * by RFC 7662 introspection when a client for it is configured.
 */
export class OidcVerifier {
  private discovered?: Promise<Discovered>;

  constructor(private readonly options: OidcVerifierOptions) {}

  /** Resolves to the principal, or throws {@link TokenRejected} (401) or a 503 problem (issuer unreachable). */
  async verify(token: string): Promise<Principal> {
    const { configuration, jwks, issuer } = await this.discover();
    if (JWT_SHAPE.test(token)) return this.verifyJwt(token, jwks, issuer);
    if (this.options.introspection) return this.introspect(configuration, token);
    throw new TokenRejected('The token is not a JWT and introspection is not configured');
  }

  private async verifyJwt(token: string, jwks: Discovered['jwks'], issuer: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer,
        audience: this.options.audience,
        algorithms: this.options.algorithms,
        clockTolerance: this.options.clockToleranceSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWKSTimeout) throw unavailable('The identity provider is unreachable');
      throw new TokenRejected(describeJoseError(err));
    }
    return principalFromClaims(payload);
  }

  private async introspect(configuration: oidc.Configuration, token: string): Promise<Principal> {
    let claims: oidc.IntrospectionResponse;
    try {
      claims = await oidc.tokenIntrospection(configuration, token);
    } catch {
      throw unavailable('Token introspection failed');
    }
    if (!claims.active) throw new TokenRejected('The token is not active');
    const audiences = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
    if (audiences.length > 0 && !audiences.includes(this.options.audience)) {
      throw new TokenRejected('The token is for another audience');
    }
    return principalFromClaims(claims as JWTPayload & { scope?: string; client_id?: string });
  }

  private discover(): Promise<Discovered> {
    this.discovered ??= (async () => {
      const { issuer, introspection, allowInsecureRequests } = this.options;
      const configuration = await oidc.discovery(
        new URL(issuer),
        introspection?.clientId ?? 'pix-agent-api',
        undefined,
        introspection ? oidc.ClientSecretBasic(introspection.clientSecret) : oidc.None(),
        allowInsecureRequests ? { execute: [oidc.allowInsecureRequests], timeout: 5 } : { timeout: 5 },
      );
      const metadata = configuration.serverMetadata();
      if (!metadata.jwks_uri) throw new Error(`The issuer ${issuer} publishes no jwks_uri`);
      return { configuration, jwks: createRemoteJWKSet(new URL(metadata.jwks_uri)), issuer: metadata.issuer };
    })();
    return this.discovered.catch(() => {
      // Try again on the next request: the identity provider may have been down only for a moment.
      this.discovered = undefined;
      throw unavailable('The identity provider is unreachable');
    });
  }
}

function principalFromClaims(claims: JWTPayload & { scope?: unknown; scp?: unknown; client_id?: unknown }): Principal {
  const scopes =
    typeof claims.scope === 'string'
      ? claims.scope.split(' ')
      : Array.isArray(claims.scp)
        ? claims.scp.map(String)
        : typeof claims.scp === 'string'
          ? claims.scp.split(' ')
          : [];
  const subject = claims.sub ?? (typeof claims.client_id === 'string' ? claims.client_id : 'unknown');
  return { id: `oidc:${subject}`, scheme: 'oidc', scopes: new Set(scopes.filter((s) => s !== '')) };
}

function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'The token has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `The token's ${err.claim} claim is not accepted`;
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'The token is signed with an algorithm we do not accept';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token signature is invalid';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'The token is not signed by a key of the issuer';
  return 'The token is invalid';
}
