import { existsSync } from 'node:fs';
import { z } from 'zod';

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
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_TEST_SERVER_PATH: optionalString,
  TEMPORAL_UI_PORT: port.default(8233),

  API_PORT: port.default(3000),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_BASE_URL: optionalString.pipe(z.url().optional()),
  SANDBOX_PORT: port.default(4010),
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  SANDBOX_AUTO_PAY_MS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).optional()),

  DATA_DIR: z.string().min(1).default('.data'),

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
});

export type RawEnv = z.infer<typeof schema>;

export interface Config extends RawEnv {
  /** Where ConnectPSP is: the configured URL, or the local sandbox. */
  connectPspBaseUrl: string;
  /** True when no ConnectPSP URL is configured, so the embedded default runs the sandbox. */
  useSandbox: boolean;
  /** How ConnectPSP reaches our webhook endpoint. */
  publicBaseUrl: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // A local .env (never committed) fills in what the shell did not set.
  if (env === process.env && existsSync('.env')) process.loadEnvFile('.env');
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const raw = parsed.data;
  if (raw.NODE_ENV === 'production' && raw.CALLBACK_SECRET === DEV_CALLBACK_SECRET) {
    throw new ConfigError('Invalid configuration:\n  CALLBACK_SECRET: must be set in production');
  }
  const useSandbox = raw.CONNECTPSP_BASE_URL === undefined;
  return {
    ...raw,
    useSandbox,
    connectPspBaseUrl: raw.CONNECTPSP_BASE_URL ?? `http://${raw.SANDBOX_HOST}:${raw.SANDBOX_PORT}`,
    publicBaseUrl: raw.PUBLIC_BASE_URL ?? `http://127.0.0.1:${raw.API_PORT}`,
  };
}
