import { pino, type Logger } from 'pino';

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
];

export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
