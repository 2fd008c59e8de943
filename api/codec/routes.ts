import express, { Router, type RequestHandler } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { redactPayloads } from '../../codec/redact-payloads.js';
import type { Authenticator } from '../auth/authenticate.js';
import { principalOf } from '../auth/principal.js';
import { forbidden } from '../auth/problems.js';
import { V1_RESOURCE_SCOPES } from '../auth/scopes.js';
import { badRequest, Problem } from '../problem.js';

/** Payloads are at most 2 MB each in Temporal; the UI sends one event's worth at a time. */
const MAX_CODEC_BODY = '4mb';

/** Scopes that let a caller read payments, and so their payloads with personal data masked. */
const READ_SCOPES = new Set(Object.values(V1_RESOURCE_SCOPES).map((scopes) => scopes.read));

/**
 * Temporal's remote codec protocol (`POST /codec/decode`, `POST /codec/encode`, body `{ payloads: [...] }` in
 * proto JSON: metadata values and data base64), used by the Web UI (`--ui-codec-endpoint`) and the CLI
 * (`--codec-endpoint`, `--codec-auth`). A caller with `payloads:decode` gets the payloads in clear; one who may
 * only read payments gets them with personal data masked (codec/redact-payloads.ts). The embedded Web UI has no
 * login and sends no token: with `anonymousRedacted` (development only, refused in production) a request from
 * a loopback address with a Web UI origin gets the masked decode too. The browser calls come cross-origin from
 * the UI, hence the CORS for its origins only.
 */
export function codecRoutes(deps: {
  codec: PayloadCodec | undefined;
  auth: Authenticator;
  corsOrigins: string[];
  anonymousRedacted: boolean;
}): Router {
  const { codec, auth } = deps;
  const origins = new Set(deps.corsOrigins);
  const router = Router();
  router.use(codecCors(origins));

  const identify: RequestHandler = (req, res, next) => {
    const anonymousUi =
      deps.anonymousRedacted &&
      req.headers.authorization === undefined &&
      origins.has(req.headers.origin ?? '') &&
      isLoopback(req.socket.remoteAddress);
    if (!anonymousUi) return auth.authenticate(req, res, next);
    next();
  };
  router.use(identify, express.json({ limit: MAX_CODEC_BODY, strict: true }));

  const transform = async (direction: 'encode' | 'decode', payloads: Payload[]): Promise<Payload[]> => {
    try {
      return codec === undefined ? payloads : await codec[direction](payloads);
    } catch {
      // An unknown key id or a tampered ciphertext: the caller's payload, not our failure.
      throw new Problem(422, 'UNDECODABLE_PAYLOAD', 'Undecodable payload', `The payloads cannot be ${direction}d`);
    }
  };

  router.post('/decode', async (req, res) => {
    const principal = principalOf(res);
    const full = principal?.scopes.has('payloads:decode') ?? false;
    if (principal && !full && ![...READ_SCOPES].some((scope) => principal.scopes.has(scope))) {
      throw forbidden('payloads:decode');
    }
    const decoded = await transform('decode', fromJson(req.body));
    res.json({ payloads: (full ? decoded : redactPayloads(decoded)).map(toJson) });
  });
  // Encoding discloses nothing; the UI needs it to send what an operator types as a signal or update argument.
  router.post('/encode', async (req, res) => {
    const principal = principalOf(res);
    if (principal && !principal.scopes.has('payloads:encode')) throw forbidden('payloads:encode');
    res.json({ payloads: (await transform('encode', fromJson(req.body))).map(toJson) });
  });
  return router;
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6: the request comes from this machine. */
function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4.startsWith('127.') || address === '::1';
}

function codecCors(allowed: ReadonlySet<string>): RequestHandler {
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
