import { serviceHandler } from 'nexus-rpc';
import type { Config } from '../config/env.js';
import { cashInHandler } from './handlers/cash-in.js';
import { createCashInHandler } from './handlers/create-cash-in.js';
import { createCashOutHandler } from './handlers/create-cash-out.js';
import { refundCashInHandler } from './handlers/refund-cash-in.js';
import { settleCashInHandler } from './handlers/settle-cash-in.js';
import { paymentsApiOnWorkerClient } from './payments-api.js';
import { pixPaymentsService } from './pix-payments-service.js';

/** The `pix-payments` Nexus service as the worker serves it (`Worker.create({ nexusServices })`). */
export function pixPaymentsHandler(config: Config) {
  const api = paymentsApiOnWorkerClient(config);
  return serviceHandler(pixPaymentsService, {
    createCashIn: createCashInHandler(api),
    cashIn: cashInHandler(api),
    createCashOut: createCashOutHandler(api),
    refundCashIn: refundCashInHandler(api),
    settleCashIn: settleCashInHandler(api),
  });
}
