import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { BalanceResult } from '../../activities/types.js';
import type { Config } from '../../config/env.js';
import { formatBrl } from '../../connectpsp/money.js';
import { rebalance, rebalanceWorkflowId, type RebalanceOutcome } from '../../workflows/rebalance/workflow.js';
import { PaymentAmountCentavos, PaymentKind, PaymentReference } from '../../workflows/search-attributes.js';
import { readBalance } from '../../workflows/wallet/read-balance.js';
import { withinBudget } from '../lifecycles/budget.js';
import { conflict, unavailable } from '../problem.js';
import type { RebalanceBody } from '../schemas/wallet.js';

/**
 * The wallet through Temporal: balance reads and rebalances run as short workflows on the worker. Each waits
 * `CREATE_WAIT_SECONDS` at most; past that the service gets 503 with `Retry-After` (a rebalance carries on, and
 * the same request again attaches to it).
 */
export class WalletService {
  private readonly waitMs: number;

  constructor(
    private readonly temporal: Client,
    private readonly config: Config,
  ) {
    this.waitMs = config.CREATE_WAIT_SECONDS * 1000;
  }

  async balance(): Promise<BalanceResult> {
    const read = await withinBudget(this.temporal, this.waitMs, () =>
      this.temporal.workflow.execute(readBalance, {
        workflowId: `wallet-balance:${randomUUID()}`,
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        staticSummary: 'Wallet balance read',
      }),
    );
    if (read?.value.status !== 'READ') throw unavailable('ConnectPSP did not answer the balance read; retry shortly');
    return read.value.balance;
  }

  /**
   * Runs the rebalance of `requestId` once: its workflow id is never reused, so a repeat (even after the first
   * one finished) reads the first result instead of moving money again.
   */
  async rebalance(body: RebalanceBody): Promise<{ replayed: boolean; outcome: RebalanceOutcome }> {
    const handle = this.temporal.workflow.getHandle<typeof rebalance>(rebalanceWorkflowId(body.requestId));
    const deadline = Date.now() + this.waitMs;
    const pending = () => unavailable(`The rebalance ${body.requestId} is not done yet; send the same request again`);
    const started = await withinBudget(this.temporal, this.waitMs, () => this.startOrAttach(body));
    if (!started) throw pending();
    const finished = await withinBudget(this.temporal, Math.max(1, deadline - Date.now()), () => handle.result());
    if (!finished) throw pending();
    assertSameTarget(body, finished.value.targetCentavos);
    return { replayed: started.value.replayed, outcome: finished.value };
  }

  /** Starts the rebalance, or finds the one this `requestId` already started (then `replayed`). */
  private async startOrAttach(body: RebalanceBody): Promise<{ replayed: boolean }> {
    const workflowId = rebalanceWorkflowId(body.requestId);
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
      return { replayed: false };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    // The target is a search attribute: a conflicting repeat is told at once, even while the first one waits.
    const { typedSearchAttributes } = await this.temporal.workflow.getHandle(workflowId).describe();
    assertSameTarget(body, typedSearchAttributes.get(PaymentAmountCentavos) ?? body.targetAmount);
    return { replayed: true };
  }
}

function assertSameTarget(body: RebalanceBody, targetCentavos: number): void {
  if (targetCentavos === body.targetAmount) return;
  throw conflict(
    'REQUEST_ID_CONFLICT',
    `requestId ${body.requestId} was already used for a rebalance to ${formatBrl(targetCentavos)}`,
  );
}
