import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ConnectPspClient } from '../connectpsp/client.js';
import { idempotencyKey } from '../connectpsp/idempotency.js';
import { centavosToBrl } from '../connectpsp/money.js';
import { toTemporalFailure } from './failures.js';
import { toBalanceResult, toCashInResult, toCashOutResult, toRefundResult } from './results.js';
import type {
  BalanceResult,
  CashInResult,
  CashOutResult,
  CreateCashInInput,
  CreateCashOutInput,
  RebalanceInput,
  RebalanceResult,
  RefundCashInInput,
  RefundResult,
  TransactionLookupInput,
} from './types.js';

/**
 * The ConnectPSP activities: each one call of the client, its money converted at the edge and its errors
 * translated once (`failures.ts`). Idempotency keys come from the workflow id and the operation name the
 * workflow gives, never from the attempt or run, so retries, crashed workers and replays all send the same key.
 */

export type * from './types.js';

export interface ActivityDeps {
  client: ConnectPspClient;
  /** Where ConnectPSP should post webhooks for transactions we create (our `/webhooks/connectpsp`). */
  webhookUrl?: string;
}

export type ConnectPspActivities = ReturnType<typeof createActivities>;

export function createActivities({ client, webhookUrl }: ActivityDeps) {
  return {
    async createCashIn(input: CreateCashInInput): Promise<CashInResult> {
      const { signal, key } = callContext(input.operation);
      return translated(async () => {
        const cashIn = await client.createCashIn(
          {
            amount: centavosToBrl(input.amountCentavos),
            externalReference: input.externalReference,
            expirationInMinutes: input.expirationInMinutes,
            webhookUrl,
            payer: { name: input.payer.name, document: input.payer.document },
            openFinance: input.openFinance,
          },
          { idempotencyKey: key, signal },
        );
        return toCashInResult(cashIn);
      });
    },

    async getCashIn(input: TransactionLookupInput): Promise<CashInResult> {
      const signal = Context.current().cancellationSignal;
      return translated(async () => toCashInResult(await client.getCashIn(input.id, { signal })));
    },

    async refundCashIn(input: RefundCashInInput): Promise<RefundResult> {
      const { signal, key } = callContext(input.operation);
      return translated(async () => {
        const refund = await client.refundCashIn(
          input.id,
          { reason: input.reason, description: input.description },
          { idempotencyKey: key, signal },
        );
        return toRefundResult(refund);
      });
    },

    async createCashOut(input: CreateCashOutInput): Promise<CashOutResult> {
      const { signal, key } = callContext(input.operation);
      return translated(async () => {
        const cashOut = await client.createCashOut(
          {
            amount: centavosToBrl(input.amountCentavos),
            externalReference: input.externalReference,
            description: input.description,
            webhookUrl,
            payee: input.payee,
          },
          { idempotencyKey: key, signal },
        );
        return toCashOutResult(cashOut);
      });
    },

    async getCashOut(input: TransactionLookupInput): Promise<CashOutResult> {
      const signal = Context.current().cancellationSignal;
      return translated(async () => toCashOutResult(await client.getCashOut(input.id, { signal })));
    },

    async getBalance(): Promise<BalanceResult> {
      const signal = Context.current().cancellationSignal;
      return translated(async () => toBalanceResult(await client.getBalance({}, { signal })));
    },

    async rebalance(input: RebalanceInput): Promise<RebalanceResult> {
      const { signal, key } = callContext(input.operation);
      return translated(async () => {
        const result = await client.rebalance(
          { targetAmount: centavosToBrl(input.targetCentavos) },
          { idempotencyKey: key, signal },
        );
        return { success: result.success, message: result.message };
      });
    },
  };
}

/** The activity's cancellation signal and the idempotency key of `operation` in the calling workflow. */
function callContext(operation: string): { signal: AbortSignal; key: string } {
  const context = Context.current();
  const workflowId = context.info.workflowExecution?.workflowId;
  if (workflowId === undefined) {
    // Without a workflow there is nothing stable to derive the key from; a random key would allow duplicates.
    throw ApplicationFailure.nonRetryable('ConnectPSP writes must run as activities of a workflow', 'NO_WORKFLOW');
  }
  return { signal: context.cancellationSignal, key: idempotencyKey(workflowId, operation) };
}

async function translated<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toTemporalFailure(error);
  }
}
