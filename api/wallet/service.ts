import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type Client } from '@temporalio/client';
import type { BalanceResult } from '../../activities/types.js';
import type { Config } from '../../config/env.js';
import { formatBrl } from '../../connectpsp/money.js';
import { rebalance, rebalanceWorkflowId, type RebalanceOutcome } from '../../workflows/rebalance/workflow.js';
import { PaymentAmountCentavos, PaymentKind, PaymentReference } from '../../workflows/search-attributes.js';
import { readBalance } from '../../workflows/wallet/read-balance.js';
import { conflict, unavailable } from '../problem.js';
import type { RebalanceBody } from '../schemas/wallet.js';

/** The wallet through Temporal: balance reads and rebalances run as short workflows on the worker. */
export class WalletService {
  constructor(
    private readonly temporal: Client,
    private readonly config: Config,
  ) {}

  async balance(): Promise<BalanceResult> {
    try {
      return await this.temporal.workflow.execute(readBalance, {
        workflowId: `wallet-balance:${randomUUID()}`,
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        workflowExecutionTimeout: '30 seconds',
        staticSummary: 'Wallet balance read',
      });
    } catch (err) {
      if (err instanceof WorkflowFailedError)
        throw unavailable('ConnectPSP did not answer the balance read; retry shortly');
      throw err;
    }
  }

  /**
   * Runs the rebalance of `requestId` once: its workflow id is never reused, so a repeat (even after the first
   * one finished) reads the first result instead of moving money again.
   */
  async rebalance(body: RebalanceBody): Promise<{ replayed: boolean; outcome: RebalanceOutcome }> {
    const workflowId = rebalanceWorkflowId(body.requestId);
    let replayed = false;
    try {
      await this.temporal.workflow.start(rebalance, {
        workflowId,
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        args: [{ requestId: body.requestId, targetCentavos: body.targetAmount }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: PaymentKind, value: 'REBALANCE' },
          { key: PaymentReference, value: body.requestId },
          { key: PaymentAmountCentavos, value: body.targetAmount },
        ],
        staticSummary: `Rebalance to R$ ${formatBrl(body.targetAmount)} · request ${body.requestId}`,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      replayed = true;
    }
    const outcome = await this.temporal.workflow.getHandle<typeof rebalance>(workflowId).result();
    if (outcome.targetCentavos !== body.targetAmount) {
      throw conflict(
        'REQUEST_ID_CONFLICT',
        `requestId ${body.requestId} was already used for a rebalance to ${formatBrl(outcome.targetCentavos)}`,
      );
    }
    return { replayed, outcome };
  }
}
