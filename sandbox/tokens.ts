import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { ProblemCode } from '../connectpsp/schemas/index.js';
import type { SandboxClock } from './clock.js';
import { ProblemError } from './problem.js';

/** Lifetime of an access token, in seconds (documented: 1 hour). */
export const TOKEN_LIFETIME_SECONDS = 3600;
const ISSUER = 'connectpsp-sandbox';

export interface TokenClaims {
  clientId: string;
  applicationToken: string;
  /** Expiry, in seconds since the epoch on the sandbox clock. */
  exp: number;
}

/**
 * Issues and checks the HS256 access tokens of `POST /auth/token`. Several tokens may be valid at once, each for
 * 3600 s from issue; expiry is judged on the sandbox clock so tests can move past it.
 */
export class TokenService {
  /** Tokens whose signature was already checked: the HMAC check runs once per token, not once per request. */
  private readonly verified = new Map<string, TokenClaims>();

  constructor(
    private readonly secret: Uint8Array,
    private readonly clock: SandboxClock,
  ) {}

  async issue(clientId: string, applicationToken: string): Promise<{ accessToken: string; issuedAtMs: number }> {
    const issuedAtMs = this.clock.now();
    const iat = Math.floor(issuedAtMs / 1000);
    const accessToken = await new SignJWT({ app: applicationToken })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(clientId)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(iat + TOKEN_LIFETIME_SECONDS)
      .sign(this.secret);
    this.sweep(iat);
    return { accessToken, issuedAtMs };
  }

  /**
   * Claims of a token already verified, without a promise; undefined when it still needs {@link verify}.
   * @throws {@link ProblemError} 401 TOKEN_EXPIRED.
   */
  verifyKnown(accessToken: string): TokenClaims | undefined {
    const known = this.verified.get(accessToken);
    if (known !== undefined && Math.floor(this.clock.now() / 1000) >= known.exp) throw expired();
    return known;
  }

  /** @throws {@link ProblemError} 401 TOKEN_EXPIRED or INVALID_TOKEN. */
  async verify(accessToken: string): Promise<TokenClaims> {
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    const known = this.verified.get(accessToken);
    if (known !== undefined) {
      if (nowSeconds >= known.exp) throw expired();
      return known;
    }
    try {
      const { payload } = await jwtVerify(accessToken, this.secret, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        currentDate: new Date(this.clock.now()),
        requiredClaims: ['sub', 'exp', 'app'],
      });
      if (typeof payload.app !== 'string' || payload.sub === undefined || payload.exp === undefined) throw invalid();
      const claims = { clientId: payload.sub, applicationToken: payload.app, exp: payload.exp };
      this.verified.set(accessToken, claims);
      return claims;
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw expired();
      throw invalid();
    }
  }

  private sweep(nowSeconds: number): void {
    for (const [token, claims] of this.verified) if (claims.exp <= nowSeconds) this.verified.delete(token);
  }
}

function expired(): ProblemError {
  return new ProblemError(401, ProblemCode.TOKEN_EXPIRED, 'The access token has expired. Request a new one.');
}

function invalid(): ProblemError {
  return new ProblemError(401, ProblemCode.INVALID_TOKEN, 'The bearer token is missing, malformed or not valid.');
}
