import express, { Router, type RequestHandler } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Authenticator } from '../auth/authenticate.js';
import { badRequest, Problem } from '../problem.js';

/** Payloads are at most 2 MB each in Temporal; the UI sends one event's worth at a time. */
const MAX_CODEC_BODY = '4mb';

/**
 * Temporal's remote codec protocol (`POST /codec/decode`, `POST /codec/encode`, body `{ payloads: [...] }` in
 * proto JSON: metadata values and data base64), used by the Web UI (`--ui-codec-endpoint`) and the CLI
 * (`--codec-endpoint`, `--codec-auth`). Decoding hands out personal data, so it needs a credential with
 * `payloads:decode`; the browser calls come cross-origin from the UI, hence the CORS for its origins only.
 */
export function codecRoutes(deps: {
  codec: PayloadCodec | undefined;
  auth: Authenticator;
  corsOrigins: string[];
}): Router {
  const { codec, auth } = deps;
  const router = Router();
  router.use(codecCors(deps.corsOrigins));
  router.use(auth.authenticate, express.json({ limit: MAX_CODEC_BODY, strict: true }));

  const handler =
    (direction: 'encode' | 'decode'): RequestHandler =>
    async (req, res) => {
      const payloads = fromJson(req.body);
      let result: Payload[];
      try {
        result = codec === undefined ? payloads : await codec[direction](payloads);
      } catch {
        // An unknown key id or a tampered ciphertext: the caller's payload, not our failure.
        throw new Problem(422, 'UNDECODABLE_PAYLOAD', 'Undecodable payload', `The payloads cannot be ${direction}d`);
      }
      res.json({ payloads: result.map(toJson) });
    };
  router.post('/decode', auth.requireScope('payloads:decode'), handler('decode'));
  router.post('/encode', auth.requireScope('payloads:encode'), handler('encode'));
  return router;
}

function codecCors(origins: string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin !== undefined && allowed.has(origin)) {
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Namespace',
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      });
    }
    // Preflights carry no credentials by design; they learn only which origins may ask.
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

function fromJson(body: unknown): Payload[] {
  // Proto JSON leaves out an empty list: the Temporal CLI sends `{}` for no payloads.
  const list = (body as { payloads?: unknown } | undefined)?.payloads ?? [];
  if (!Array.isArray(list)) {
    throw badRequest('The body must be { "payloads": [...] }', [{ field: 'payloads', message: 'must be an array' }]);
  }
  return list.map((item: JsonPayload) => ({
    metadata: Object.fromEntries(
      Object.entries(item?.metadata ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64')]),
    ),
    data: Buffer.from(String(item?.data ?? ''), 'base64'),
  }));
}

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [
        k,
        Buffer.from(v ?? new Uint8Array()).toString('base64'),
      ]),
    ),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}
