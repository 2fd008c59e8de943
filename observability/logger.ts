import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a log object: secrets and the personal data of payers
 * and payees (LGPD). Logging code should not pass these at all; this is the safety net.
 */
export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers["digitalsignature"]',
  'headers["applicationtoken"]',
  'accessToken',
  '*.accessToken',
  'clientSecret',
  '*.clientSecret',
  'cryptoToken',
  '*.cryptoToken',
  'apiKey',
  '*.apiKey',
  'payer',
  '*.payer',
  'payee',
  '*.payee',
  'document',
  '*.document',
  'pixKey',
  '*.pixKey',
  'bankAccount',
  '*.bankAccount',
  'bankData',
  '*.bankData',
  // Credentials of every kind, wherever they travel (headers, config dumps, token responses).
  'headers.cookie',
  '*.headers.cookie',
  'headers["x-connect-signature"]',
  '*.headers["x-connect-signature"]',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'client_secret',
  '*.client_secret',
  'CONNECTPSP_CLIENT_SECRET',
  '*.CONNECTPSP_CLIENT_SECRET',
  'CONNECTPSP_CRYPTO_TOKEN',
  '*.CONNECTPSP_CRYPTO_TOKEN',
  'CALLBACK_SECRET',
  '*.CALLBACK_SECRET',
  'OIDC_INTROSPECTION_CLIENT_SECRET',
  '*.OIDC_INTROSPECTION_CLIENT_SECRET',
  'API_KEYS',
  '*.API_KEYS',
  'PAYLOAD_KEYS',
  '*.PAYLOAD_KEYS',
  // Personal data under the other names payers, payees and accounts go by.
  'payerName',
  '*.payerName',
  'holderName',
  '*.holderName',
  'recipient',
  '*.recipient',
  'taxId',
  '*.taxId',
  'cpf',
  '*.cpf',
  'cnpj',
  '*.cnpj',
  'destination',
  '*.destination',
  'account',
  '*.account',
  'body',
  '*.body',
];

/** @param destination where lines go; stdout when omitted (tests capture them to scan for personal data). */
export function createLogger(
  name: string,
  level: string = process.env.LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
