import type { CashInView, NewCashIn } from '../../workflows/cash-in/types.js';
import { cashIn } from '../../workflows/cash-in/workflow.js';
import { lifecycleRunOperation } from '../lifecycle-run-operation.js';
import type { PaymentsApi } from '../payments-api.js';
import type { CreateCashInRequest } from '../pix-payments-service.js';

/** `cashIn`: creates the charge or attaches to its lifecycle, and completes with the lifecycle's final view. */
export function cashInHandler(api: () => PaymentsApi) {
  return lifecycleRunOperation<CreateCashInRequest, CashInView, NewCashIn>(() => {
    const { createCashIn, cashIns } = api();
    return { create: createCashIn, workflow: cashIn, startOptions: (input) => cashIns.startOptions(input) };
  });
}
