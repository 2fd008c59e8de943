import type { CashOutView, NewCashOut } from '../../workflows/cash-out/types.js';
import { cashOut } from '../../workflows/cash-out/workflow.js';
import { lifecycleRunOperation } from '../lifecycle-run-operation.js';
import type { PaymentsApi } from '../payments-api.js';
import type { CreateCashOutRequest } from '../pix-payments-service.js';

/** `createCashOut`: creates the payout or attaches to it, and completes with its final view. */
export function createCashOutHandler(api: () => PaymentsApi) {
  return lifecycleRunOperation<CreateCashOutRequest, CashOutView, NewCashOut>(() => {
    const { createCashOut, cashOuts } = api();
    return { create: createCashOut, workflow: cashOut, startOptions: (input) => cashOuts.startOptions(input) };
  });
}
