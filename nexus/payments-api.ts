import type { Client } from '@temporalio/client';
import { getClient } from '@temporalio/nexus';
import { createCashInFor, type CreateCashIn } from '../api/cash-ins/create-cash-in.js';
import { CashInService } from '../api/cash-ins/service.js';
import { createCashOutFor, type CreateCashOut } from '../api/cash-outs/create-cash-out.js';
import { CashOutService } from '../api/cash-outs/service.js';
import type { Config } from '../config/env.js';

/** The API's services, as the Nexus handlers call them: the same code answers HTTP and Nexus. */
export interface PaymentsApi {
  cashIns: CashInService;
  cashOuts: CashOutService;
  createCashIn: CreateCashIn;
  createCashOut: CreateCashOut;
}

/**
 * The API's services on the worker's own Temporal client (its namespace and data converter), which the Nexus
 * handler context gives only while an operation runs: built at the first operation, then kept.
 */
export function paymentsApiOnWorkerClient(config: Config): () => PaymentsApi {
  let api: PaymentsApi | undefined;
  return () => (api ??= paymentsApi(getClient(), config));
}

function paymentsApi(temporal: Client, config: Config): PaymentsApi {
  const cashIns = new CashInService(temporal, config);
  const cashOuts = new CashOutService(temporal, config);
  return {
    cashIns,
    cashOuts,
    createCashIn: createCashInFor(cashIns, config),
    createCashOut: createCashOutFor(cashOuts, config),
  };
}
