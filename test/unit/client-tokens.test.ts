import { TokenCache, type IssuedToken } from '../../connectpsp/tokens.js';

/** An issuer whose answers the test releases by hand, counting the requests it receives. */
function manualIssuer(expiresIn = 3600) {
  const pending: Array<(token: IssuedToken) => void> = [];
  let issued = 0;
  return {
    get requests() {
      return issued;
    },
    issue: () =>
      new Promise<IssuedToken>((resolve) => {
        issued += 1;
        pending.push(resolve);
      }),
    releaseAll() {
      for (const resolve of pending.splice(0)) resolve({ accessToken: `jwt-${issued}`, expiresIn });
    },
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('TokenCache', () => {
  test('one hundred concurrent callers on a cold cache share exactly one token request', async () => {
    const issuer = manualIssuer();
    const cache = new TokenCache({ issue: issuer.issue, sign: (jwt) => `sig(${jwt})` });
    const callers = Promise.all(Array.from({ length: 100 }, () => cache.get()));
    await flush();
    issuer.releaseAll();
    const tokens = await callers;
    expect(issuer.requests).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['jwt-1']));
    expect(tokens[0]?.digitalSignature).toBe('sig(jwt-1)');
  });

  test('a token close to expiry is refreshed in the background while callers keep using it', async () => {
    let now = 0;
    const issuer = manualIssuer(3600);
    const cache = new TokenCache({ issue: issuer.issue, sign: (jwt) => jwt, now: () => now });
    const first = cache.get();
    await flush();
    issuer.releaseAll();
    expect((await first).accessToken).toBe('jwt-1');

    now = (3600 - 200) * 1000; // inside the 5-minute refresh window, outside the expiry margin
    expect((await cache.get()).accessToken).toBe('jwt-1');
    expect((await cache.get()).accessToken).toBe('jwt-1');
    expect(issuer.requests).toBe(2);
    issuer.releaseAll();
    await flush();
    expect((await cache.get()).accessToken).toBe('jwt-2');
  });

  test('an expired token is never handed out: callers wait for the new one', async () => {
    let now = 0;
    const issuer = manualIssuer(3600);
    const cache = new TokenCache({ issue: issuer.issue, sign: (jwt) => jwt, now: () => now });
    const first = cache.get();
    await flush();
    issuer.releaseAll();
    await first;
    now = 3600 * 1000;
    const second = cache.get();
    await flush();
    expect(issuer.requests).toBe(2);
    issuer.releaseAll();
    expect((await second).accessToken).toBe('jwt-2');
  });

  test('invalidating a token that was already replaced does not discard the replacement', async () => {
    const issuer = manualIssuer();
    const cache = new TokenCache({ issue: issuer.issue, sign: (jwt) => jwt });
    const stale = { accessToken: 'jwt-0', digitalSignature: 'jwt-0' };
    const first = cache.get();
    await flush();
    issuer.releaseAll();
    const current = await first;
    cache.invalidate(stale);
    expect(await cache.get()).toBe(current);
    cache.invalidate(current);
    const next = cache.get();
    await flush();
    issuer.releaseAll();
    expect((await next).accessToken).toBe('jwt-2');
    expect(issuer.requests).toBe(2);
  });

  test('a failed token request is shared by its waiters and the next call tries again', async () => {
    let calls = 0;
    const cache = new TokenCache({
      issue: async () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
        return { accessToken: 'jwt-ok', expiresIn: 3600 };
      },
      sign: (jwt) => jwt,
    });
    const results = await Promise.allSettled([cache.get(), cache.get(), cache.get()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((await cache.get()).accessToken).toBe('jwt-ok');
    expect(calls).toBe(2);
  });

  test('an aborted caller stops waiting without cancelling the shared request', async () => {
    const issuer = manualIssuer();
    const cache = new TokenCache({ issue: issuer.issue, sign: (jwt) => jwt });
    const controller = new AbortController();
    const abandoned = cache.get(controller.signal);
    const patient = cache.get();
    await flush();
    controller.abort(new Error('cancelled by caller'));
    await expect(abandoned).rejects.toThrow('cancelled by caller');
    issuer.releaseAll();
    expect((await patient).accessToken).toBe('jwt-1');
    expect(issuer.requests).toBe(1);
  });
});
