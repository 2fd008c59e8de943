/**
 * The logging surface the ConnectPSP client needs: a subset of pino's, so a pino logger (or a child of one)
 * can be passed as is. Everything logged through it has been through `redact.ts` first.
 */
export interface ConnectPspLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export const silentLogger: ConnectPspLogger = {
  debug() {},
  warn() {},
};

/** What one HTTP exchange with ConnectPSP looked like, for logs, metrics and tests; never bodies or headers. */
export interface ExchangeEvent {
  /** `METHOD /path`, e.g. `POST /auth/token`. */
  operation: string;
  /** HTTP status, or undefined when no answer came (network error, timeout, cancellation). */
  status: number | undefined;
  durationMs: number;
  /** The taxonomy code when the exchange failed. */
  errorCode?: string;
}
