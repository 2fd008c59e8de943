import type { Config } from '../../config/env.js';
import { connectPspRefusal } from '../cash-ins/failure-problem.js';
import { createCashOutBodySchema } from '../schemas/cash-out.js';
import { assertCallbackUrlAllowed } from '../validation/callback-url.js';
import { parseOrThrow } from '../validate.js';
import type { CashOutService, CreateCashOutOutcome } from './service.js';

/** A payout as a service sends it (any JSON), validated and made idempotent on its `externalReference`. */
export type CreateCashOut = (body: unknown) => Promise<CreateCashOutOutcome>;

/**
 * The one way a payout is created, behind `POST /v1/cash-outs` and the Nexus `createCashOut` operation: the
 * body's validation, the callback URL's policy, the idempotent create, and ConnectPSP's refusal of the create
 * (no transaction) as a problem carrying its code.
 */
export function createCashOutFor(service: CashOutService, config: Config): CreateCashOut {
  const schema = createCashOutBodySchema(Math.round(config.CASH_OUT_MAX_AMOUNT * 100));
  return async (raw) => {
    const body = parseOrThrow(schema, raw, 'body');
    await assertCallbackUrlAllowed(body.callbackUrl, config);
    const outcome = await service.create(body);
    const { view } = outcome;
    if (view.status === 'FAILED' && view.failure && !view.connectPsp) throw connectPspRefusal(view.failure);
    return outcome;
  };
}
