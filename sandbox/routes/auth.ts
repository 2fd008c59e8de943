import { Router } from 'express';
import { AuthTokenRequestSchema, ProblemCode } from '../../connectpsp/schemas/index.js';
import type { AuthTokenResponse } from '../../connectpsp/schemas/index.js';
import type { SandboxContext } from '../context.js';
import { injectFaults, jsonBody, parse, secretEquals, sendOnceWritten } from '../http.js';
import { ProblemError } from '../problem.js';
import { utcTimestamp } from '../timestamps.js';
import { TOKEN_LIFETIME_SECONDS } from '../tokens.js';

/** `POST /auth/token`: the only unauthenticated endpoint. */
export function authRoutes(ctx: SandboxContext): Router {
  const router = Router();
  router.post('/auth/token', injectFaults(ctx, 'POST /auth/token'), jsonBody, async (req, res) => {
    const { clientId, clientSecret } = parse(AuthTokenRequestSchema, req.body);
    const app = [...ctx.applications.values()].find((candidate) => candidate.credentials.clientId === clientId);
    if (app === undefined || !secretEquals(app.credentials.clientSecret, clientSecret)) {
      throw new ProblemError(401, ProblemCode.INVALID_CREDENTIALS, 'The clientId or clientSecret is not valid.');
    }
    const { accessToken, issuedAtMs } = await ctx.tokens.issue(clientId, app.credentials.applicationToken);
    const body: AuthTokenResponse = {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: TOKEN_LIFETIME_SECONDS,
      issuedAt: utcTimestamp(issuedAtMs),
    };
    sendOnceWritten(res, { status: 200, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) });
  });
  return router;
}
