import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseApiKeys } from '../api/auth/api-keys.js';
import { parsePayloadKeys } from '../codec/payload-keys.js';

/**
 * The one place the environment is read. Every process (API, worker, sandbox, scripts) calls
 * {@link loadConfig}; a bad value fails at start with the variable's name and what is wrong.
 */

/** Local credentials shared by the sandbox and the client so that `npm start` needs no setup. */
export const SANDBOX_CREDENTIALS = {
  clientId: '100200300',
  clientSecret: '6d5c0b4e-6f0a-4a49-9a4e-7f3f1b1c2d3e',
  applicationToken: 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
  cryptoToken: 'sandbox-crypto-token-change-me',
} as const;

/** Development-only callback secret; production must configure its own (checked in {@link loadConfig}). */
const DEV_CALLBACK_SECRET = 'whsec_ZGV2ZWxvcG1lbnQtb25seS1jYWxsYmFjay1zZWNyZXQ=';

const port = z.coerce.number().int().min(1).max(65535);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

/** Variables that hold secrets; each may instead be read from a file named by `<NAME>_FILE` (Docker secrets). */
const SECRET_VARIABLES = [
  'CONNECTPSP_CLIENT_SECRET',
  'CONNECTPSP_APPLICATION_TOKEN',
  'CONNECTPSP_CRYPTO_TOKEN',
  'CALLBACK_SECRET',
  'API_KEYS',
  'OIDC_INTROSPECTION_CLIENT_SECRET',
  'PAYLOAD_KEYS',
] as const;

/** A zod transform that parses with `parse`, reporting its error message (which never echoes a secret). */
function parsedWith<T>(parse: (value: string) => T[]) {
  return (value: string | undefined, ctx: z.RefinementCtx<string | undefined>): T[] => {
    if (value === undefined) return [];
    try {
      return parse(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  };
}

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  CONNECTPSP_BASE_URL: optionalString.pipe(z.url().optional()),
  CONNECTPSP_CLIENT_ID: z.string().min(1).default(SANDBOX_CREDENTIALS.clientId),
  CONNECTPSP_CLIENT_SECRET: z.string().min(1).default(SANDBOX_CREDENTIALS.clientSecret),
  CONNECTPSP_APPLICATION_TOKEN: z.string().min(1).default(SANDBOX_CREDENTIALS.applicationToken),
  CONNECTPSP_CRYPTO_TOKEN: z.string().min(1).default(SANDBOX_CREDENTIALS.cryptoToken),

  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('pix-payments'),
  /**
   * Worker Versioning (docs/DEPLOYMENT.md "Rolling out a new build"): a versioned worker gets tasks only once its
   * version is its deployment's current (or ramping) one. Off: the worker polls unversioned, as before 1.0.
   */
  TEMPORAL_WORKER_VERSIONING: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('true')
    .transform((v) => v === 'true'),
  TEMPORAL_WORKER_DEPLOYMENT_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, - and _ only')
    .default('pix-agent'),
  /** Unset: the package.json version and a digest of the workflow bundle (worker/versioning.ts). */
  TEMPORAL_WORKER_BUILD_ID: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_.+-]+$/, 'must be letters, digits, and . + - _ only')
      .optional(),
  ),
  /** When a worker makes its own version current: `if-none` (first deploy), `always` (development), `never`. */
  TEMPORAL_WORKER_SET_CURRENT: z.enum(['if-none', 'always', 'never']).default('if-none'),
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_TEST_SERVER_PATH: optionalString,
  TEMPORAL_UI_PORT: port.default(8233),

  API_PORT: port.default(3000),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_BASE_URL: optionalString.pipe(z.url().optional()),
  SANDBOX_PORT: port.default(4010),
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  SANDBOX_AUTO_PAY_MS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).optional()),
  /** Where the sandbox keeps its state across restarts (`npm start` sets DATA_DIR/sandbox); unset: in memory. */
  SANDBOX_STATE_DIR: optionalString,

  DATA_DIR: z.string().min(1).default('.data'),
  /** PostgreSQL of `npm run cluster` (its own server under DATA_DIR, on 127.0.0.1). */
  POSTGRES_PORT: port.default(7432),
  /**
   * First of the cluster's four membership ports (frontend, history, matching, worker at +0, +1, +2, +6). Temporal
   * stores them as a smallint, so they must stay below 32768: by default the frontend's port minus 300.
   */
  TEMPORAL_MEMBERSHIP_PORT: z.coerce.number().int().min(1).max(32761).optional(),

  /** Where the worker serves the Temporal SDK's Prometheus metrics; port 0 turns them off. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** A workflow bundle built ahead by `npm run bundle:workflows`; unset bundles the sources at worker start. */
  WORKFLOW_BUNDLE_PATH: optionalString,
  /** Where spans go: nowhere (no tracing code on the hot paths), an OTLP/HTTP collector, or stdout. */
  TRACING_EXPORTER: z.enum(['none', 'otlp', 'console']).default('none'),
  /** OTLP/HTTP traces endpoint, used when `TRACING_EXPORTER=otlp`. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalString.pipe(z.url().optional()),
  /** Base of the Temporal Web UI links printed by the demo and written in logs. */
  TEMPORAL_UI_URL: optionalString.pipe(z.url().optional()),

  /** Static API keys, hashed: `name:sha256hex:scope,scope;name2:...` (`*` = every scope). See README "Authentication". */
  API_KEYS: optionalString.transform(parsedWith(parseApiKeys)),
  /** OIDC issuer whose access tokens the API accepts; its configuration and JWKS are discovered from it. */
  OIDC_ISSUER: optionalString.pipe(z.url({ error: 'must be the issuer URL' }).optional()),
  /** The `aud` our API requires in access tokens (its resource identifier at the identity provider). */
  OIDC_AUDIENCE: optionalString,
  /** JWS algorithms accepted on access tokens; `none` and symmetric (HS*) algorithms are never accepted. */
  OIDC_ALGORITHMS: z
    .string()
    .default('RS256,PS256,ES256,EdDSA')
    .transform((v) => v.split(',').map((a) => a.trim()))
    .refine((algs) => algs.every((a) => /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/.test(a)), {
      error: 'must list asymmetric JWS algorithms only (RS*, PS*, ES*, EdDSA); none and HS* are refused',
    }),
  /** Leeway on `exp` and `nbf` for clock skew between us and the identity provider. */
  OIDC_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  /** Client of the identity provider that may call its introspection endpoint (RFC 7662) for opaque tokens. */
  OIDC_INTROSPECTION_CLIENT_ID: optionalString,
  OIDC_INTROSPECTION_CLIENT_SECRET: optionalString,
  /** Requests per second each credential may make to `/v1` (token bucket), and how many at once. */
  RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(100),
  RATE_LIMIT_BURST: z.coerce.number().int().positive().default(200),
  /** AES-256-GCM keys of the payload codec: `kid:base64key,kid2:...`; the first encrypts, all decrypt. */
  PAYLOAD_KEYS: optionalString.transform(parsedWith(parsePayloadKeys)),
  /**
   * Compress payloads before encrypting them (codec/deflate-codec.ts); compressed payloads are read either way. Off
   * keeps a way back to 1.0.0, which cannot read them, during a rollout (docs/DEPLOYMENT.md).
   */
  PAYLOAD_COMPRESSION: z
    .enum(['on', 'off'], { error: 'must be on or off' })
    .default('on')
    .transform((v) => v === 'on'),
  /** Browser origins allowed to call the codec endpoint (the Temporal Web UI), comma-separated. */
  CODEC_CORS_ORIGINS: optionalString,
  /**
   * Lets the embedded Web UI (no login, no token) read payloads with personal data masked, from a loopback
   * address and a Web UI origin only. Set by `npm start`; development only, refused in production.
   */
  CODEC_ANONYMOUS_REDACTED: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  /** Lets `callbackUrl` reach loopback, private and link-local addresses: development and tests only. */
  CALLBACK_ALLOW_PRIVATE_NETWORKS: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),

  /** An undelivered callback is retried for this long (then listed as failed, to redeliver through the API). */
  CALLBACK_RETRY_PERIOD_SECONDS: z.coerce
    .number()
    .positive()
    .default(26 * 3600),
  /** The first wait between attempts of an undelivered callback; it doubles up to the maximum. */
  CALLBACK_RETRY_FIRST_INTERVAL_SECONDS: z.coerce.number().positive().default(5),
  CALLBACK_RETRY_MAX_INTERVAL_SECONDS: z.coerce.number().positive().default(1800),
  /** Standard Webhooks secret (`whsec_` + base64) that signs our callbacks to services. */
  CALLBACK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]{24,}$/, 'must be whsec_ followed by at least 24 base64 characters')
    .default(DEV_CALLBACK_SECRET),
  /** Largest cash-in amount accepted, in BRL. */
  CASH_IN_MAX_AMOUNT: z.coerce.number().positive().default(100_000),
  /** How long an EXPIRED cash-in waits for a late payment to refund before its workflow closes. */
  LATE_PAYMENT_WINDOW_MINUTES: z.coerce.number().int().positive().default(1440),
  /** Default manual settlement window when the service gives none. */
  SETTLEMENT_WINDOW_MINUTES: z.coerce.number().int().positive().default(1440),
  /** Largest cash-out accepted, in BRL. */
  CASH_OUT_MAX_AMOUNT: z.coerce.number().positive().default(100_000),
  /** How long a COMPLETED cash-out stays open for the receiving bank to return it (7 days). */
  CASH_OUT_REFUND_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .positive()
    .default(7 * 24 * 60),
  /**
   * Minutes between reconciliation passes (the `reconcile` Schedule); 0 turns the schedule off. A pass looks up only
   * the lifecycles whose age crossed a checkpoint since the last one, so frequent passes cost one visibility query
   * each, and they bound how late a checkpoint is acted on.
   */
  RECONCILE_INTERVAL_MINUTES: z.coerce.number().min(0).max(1440).default(0.5),
  /** The most ConnectPSP lookups per second the reconciliation makes, whatever its backlog (a share of the limit). */
  RECONCILE_MAX_REQUESTS_PER_SECOND: z.coerce.number().positive().max(1000).default(5),
  /**
   * Multiplies every reconciliation checkpoint age (workflows/reconcile/checkpoints.ts): 1 in production; tests,
   * chaos and the bench shorten a lifecycle's days to minutes.
   */
  RECONCILE_CHECKPOINT_SCALE: z.coerce.number().positive().max(100).default(1),
  /**
   * Lifecycles started before they published ConnectPSP's id (`PaymentPspId`) are compared the old way, by asking
   * each workflow, at most this often (minutes; 0: every pass). They disappear as they close or change status.
   */
  RECONCILE_LEGACY_SWEEP_MINUTES: z.coerce.number().min(0).max(1440).default(5),
  /** First wait for a cash-out webhook before asking ConnectPSP; later waits double, up to an hour. */
  CASH_OUT_FIRST_POLL_SECONDS: z.coerce.number().int().positive().default(60),
  /**
   * How long a create (cash-in, cash-out, rebalance, balance read) waits for its first step before answering 503
   * with `Retry-After`; the lifecycle carries on, and the same request again attaches to it.
   */
  CREATE_WAIT_SECONDS: z.coerce.number().positive().max(60).default(5),
  /** How long a read waits for the workflow's answer (a query needs a worker) before answering a stale view. */
  READ_WAIT_MS: z.coerce.number().int().positive().max(10_000).default(1500),
});

export type RawEnv = z.infer<typeof schema>;

export interface Config extends RawEnv {
  /** Where ConnectPSP is: the configured URL, or the local sandbox. */
  connectPspBaseUrl: string;
  /** True when no ConnectPSP URL is configured, so the embedded default runs the sandbox. */
  useSandbox: boolean;
  /** How ConnectPSP reaches our webhook endpoint. */
  publicBaseUrl: string;
  /** The Temporal Web UI, for links: the configured URL, or the embedded dev server's. */
  temporalUiUrl: string;
  /** Origins of the Temporal Web UI allowed to call the codec endpoint from a browser. */
  codecCorsOrigins: string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // A local .env (never committed) fills in what the shell did not set.
  if (env === process.env && existsSync('.env')) process.loadEnvFile('.env');
  const parsed = schema.safeParse(withSecretFiles(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const raw = parsed.data;
  if (raw.NODE_ENV === 'production' && raw.CALLBACK_SECRET === DEV_CALLBACK_SECRET) {
    throw new ConfigError('Invalid configuration:\n  CALLBACK_SECRET: must be set in production');
  }
  const securityProblems = securityConfigProblems(raw);
  if (securityProblems.length > 0) throw new ConfigError(`Invalid configuration:\n${securityProblems.join('\n')}`);
  const useSandbox = raw.CONNECTPSP_BASE_URL === undefined;
  return {
    ...raw,
    useSandbox,
    connectPspBaseUrl: raw.CONNECTPSP_BASE_URL ?? `http://${raw.SANDBOX_HOST}:${raw.SANDBOX_PORT}`,
    publicBaseUrl: raw.PUBLIC_BASE_URL ?? `http://127.0.0.1:${raw.API_PORT}`,
    temporalUiUrl: (raw.TEMPORAL_UI_URL ?? `http://127.0.0.1:${raw.TEMPORAL_UI_PORT}`).replace(/\/+$/, ''),
    codecCorsOrigins: raw.CODEC_CORS_ORIGINS?.split(',').map((o) => o.trim().replace(/\/+$/, '')) ?? [
      `http://127.0.0.1:${raw.TEMPORAL_UI_PORT}`,
      `http://localhost:${raw.TEMPORAL_UI_PORT}`,
    ],
  };
}

/** Fills `NAME` from the file named by `NAME_FILE`, for the secrets in {@link SECRET_VARIABLES}. */
function withSecretFiles(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const resolved = { ...env };
  for (const name of SECRET_VARIABLES) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    if (env[name])
      throw new ConfigError(`Invalid configuration:\n  ${name}: set either ${name} or ${name}_FILE, not both`);
    try {
      resolved[name] = readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(
        `Invalid configuration:\n  ${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code})`,
      );
    }
  }
  return resolved;
}

/** Rules across variables: production never runs open, unencrypted or against an insecure issuer. */
function securityConfigProblems(raw: RawEnv): string[] {
  const problems: string[] = [];
  const production = raw.NODE_ENV === 'production';
  if (raw.OIDC_ISSUER && !raw.OIDC_AUDIENCE) problems.push('  OIDC_AUDIENCE: is required with OIDC_ISSUER');
  if (Boolean(raw.OIDC_INTROSPECTION_CLIENT_ID) !== Boolean(raw.OIDC_INTROSPECTION_CLIENT_SECRET)) {
    problems.push(
      '  OIDC_INTROSPECTION_CLIENT_SECRET: set both OIDC_INTROSPECTION_CLIENT_ID and its secret, or neither',
    );
  }
  if (raw.OIDC_INTROSPECTION_CLIENT_ID && !raw.OIDC_ISSUER) {
    problems.push('  OIDC_ISSUER: is required for token introspection');
  }
  if (production) {
    if (raw.API_KEYS.length === 0 && !raw.OIDC_ISSUER) {
      problems.push('  API_KEYS: set API_KEYS or OIDC_ISSUER in production; the API never runs open');
    }
    if (raw.OIDC_ISSUER && !raw.OIDC_ISSUER.startsWith('https://'))
      problems.push('  OIDC_ISSUER: must be https in production');
    if (raw.PAYLOAD_KEYS.length === 0) problems.push('  PAYLOAD_KEYS: must be set in production (payload encryption)');
    if (raw.CODEC_ANONYMOUS_REDACTED) problems.push('  CODEC_ANONYMOUS_REDACTED: must not be true in production');
    if (raw.CALLBACK_ALLOW_PRIVATE_NETWORKS) {
      problems.push('  CALLBACK_ALLOW_PRIVATE_NETWORKS: must not be true in production');
    }
  }
  return problems;
}
