import type { Client } from '@temporalio/client';
import type { ConnectPspClient } from '../../connectpsp/client.js';

export type CheckResult = 'ok' | string;
export interface Readiness {
  ready: boolean;
  checks: { temporal: CheckResult; connectPsp: CheckResult };
}

/** How long one dependency may take to answer a readiness probe. */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * Ready means the API can do its job: Temporal answers for our namespace, and ConnectPSP issues (or has
 * issued, still valid) an access token for our credentials. Both checks run at once, each bounded.
 */
export async function checkReadiness(
  temporal: Client,
  namespace: string,
  connectPsp: ConnectPspClient,
): Promise<Readiness> {
  const [temporalCheck, connectPspCheck] = await Promise.all([
    outcome(() =>
      temporal.connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
        temporal.workflowService.describeNamespace({ namespace }),
      ),
    ),
    outcome(() => connectPsp.authenticate({ signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) })),
  ]);
  return {
    ready: temporalCheck === 'ok' && connectPspCheck === 'ok',
    checks: { temporal: temporalCheck, connectPsp: connectPspCheck },
  };
}

/** `ok`, or a short reason without secrets: an error code or name, never a message that could echo credentials. */
async function outcome(check: () => Promise<unknown>): Promise<CheckResult> {
  try {
    await check();
    return 'ok';
  } catch (err) {
    const e = err as { code?: unknown; name?: unknown };
    if (typeof e.code === 'string') return e.code;
    if (typeof e.code === 'number') return `GRPC_${e.code}`;
    return typeof e.name === 'string' ? e.name : 'ERROR';
  }
}
