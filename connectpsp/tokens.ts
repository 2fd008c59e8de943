/**
 * The per-process cache of the ConnectPSP access token. ConnectPSP has no refresh token: a new JWT comes from
 * `POST /auth/token` before the old one expires (1 h). Three properties matter under load:
 *
 * - single flight: however many calls find the cache cold or stale at once, one token request is in flight;
 * - refresh ahead: a token close to expiry is replaced in the background while callers keep using it;
 * - targeted invalidation: a 401 drops only the token that was refused, so a burst of 401s from one stale
 *   token causes one re-authentication, not one per caller.
 */

/** A JWT as issued, with the DigitalSignature derived from it (it depends on the JWT only). */
export interface AccessToken {
  readonly accessToken: string;
  readonly digitalSignature: string;
}

/** What `POST /auth/token` gave: the JWT and its lifetime in seconds. */
export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

export interface TokenCacheOptions {
  /** Performs `POST /auth/token`. Never called concurrently by one cache. */
  issue: () => Promise<IssuedToken>;
  /** Derives the DigitalSignature of a JWT (HMAC keyed with the CryptoToken). */
  sign: (accessToken: string) => string;
  /**
   * How long before expiry a background refresh starts; capped at half the token's lifetime.
   * @default 300000 (5 minutes)
   */
  refreshAheadMs?: number;
  /**
   * Margin before expiry after which a token is no longer handed out, so it cannot expire in flight.
   * Capped at a quarter of the token's lifetime.
   * @default 10000
   */
  expiryMarginMs?: number;
  /** Monotonic-enough clock in ms; injectable for tests. @default Date.now */
  now?: () => number;
  /** Told about a background refresh that failed; the next caller simply tries again. */
  onBackgroundRefreshError?: (error: unknown) => void;
}

interface CachedToken {
  token: AccessToken;
  /** After this instant a background refresh is started. */
  refreshAt: number;
  /** After this instant the token is not handed out at all. */
  unusableAt: number;
}

export class TokenCache {
  readonly #options: TokenCacheOptions;
  readonly #now: () => number;
  #cached: CachedToken | undefined;
  #inFlight: Promise<CachedToken> | undefined;

  constructor(options: TokenCacheOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /**
   * A usable token: the cached one, or the result of the single in-flight request. The signal only stops
   * this caller's wait; the shared request carries on for the others.
   */
  async get(signal?: AbortSignal): Promise<AccessToken> {
    signal?.throwIfAborted();
    const cached = this.#cached;
    const now = this.#now();
    if (cached !== undefined && now < cached.unusableAt) {
      if (now >= cached.refreshAt) this.#refreshInBackground();
      return cached.token;
    }
    const fresh = await waitFor(this.#refresh(), signal);
    return fresh.token;
  }

  /** Forgets `refused` if it is still the cached token (ConnectPSP answered 401 to it). */
  invalidate(refused: AccessToken): void {
    if (this.#cached?.token.accessToken === refused.accessToken) this.#cached = undefined;
  }

  #refreshInBackground(): void {
    if (this.#inFlight !== undefined) return;
    this.#refresh().catch((error: unknown) => this.#options.onBackgroundRefreshError?.(error));
  }

  #refresh(): Promise<CachedToken> {
    this.#inFlight ??= this.#issue().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #issue(): Promise<CachedToken> {
    // The lifetime is counted from when the request was sent, so network time can only make us refresh early.
    const sentAt = this.#now();
    const issued = await this.#options.issue();
    const lifetimeMs = issued.expiresIn * 1000;
    const refreshAheadMs = Math.min(this.#options.refreshAheadMs ?? 300_000, lifetimeMs / 2);
    const marginMs = Math.min(this.#options.expiryMarginMs ?? 10_000, lifetimeMs / 4);
    const cached: CachedToken = {
      token: { accessToken: issued.accessToken, digitalSignature: this.#options.sign(issued.accessToken) },
      refreshAt: sentAt + lifetimeMs - refreshAheadMs,
      unusableAt: sentAt + lifetimeMs - marginMs,
    };
    this.#cached = cached;
    return cached;
  }
}

/** Resolves with `promise`, or rejects with the signal's reason as soon as it aborts. */
function waitFor<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
