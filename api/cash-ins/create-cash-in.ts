import type { Config } from '../../config/env.js';
import { createCashInBodySchema } from '../schemas/cash-in.js';
import { assertCallbackUrlAllowed } from '../validation/callback-url.js';
import { parseOrThrow } from '../validate.js';
import { connectPspRefusal } from './failure-problem.js';
import type { CashInService, CreateOutcome } from './service.js';

/** A create as a service sends it (any JSON), validated and made idempotent on its `externalReference`. */
export type CreateCashIn = (body: unknown) => Promise<CreateOutcome>;

/**
 * The one way a cash-in is created, behind `POST /v1/cash-ins` and the Nexus `createCashIn` and `cashIn`
 * operations: the body's validation (a problem naming each field), the callback URL's policy, the idempotent
 * create, and ConnectPSP's refusal as a problem carrying its code.
 */
export function createCashInFor(service: CashInService, config: Config): CreateCashIn {
  const schema = createCashInBodySchema({
    maxAmountCentavos: Math.round(config.CASH_IN_MAX_AMOUNT * 100),
    defaultSettlementWindowMinutes: config.SETTLEMENT_WINDOW_MINUTES,
  });
  return async (raw) => {
    const body = parseOrThrow(schema, raw, 'body');
    await assertCallbackUrlAllowed(body.callbackUrl, config);
    const outcome = await service.create(body);
    const { view } = outcome;
    if (view.status === 'FAILED' && view.failure) throw connectPspRefusal(view.failure);
    return outcome;
  };
}
