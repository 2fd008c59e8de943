import { Router } from 'express';
import type { BalanceResult } from '../../activities/types.js';
import type { RebalanceOutcome } from '../../workflows/rebalance/workflow.js';
import { connectPspRefusal } from '../cash-ins/failure-problem.js';
import { formatAmount } from '../schemas/money.js';
import { rebalanceBodySchema } from '../schemas/wallet.js';
import { parseOrThrow } from '../validate.js';
import type { WalletService } from './service.js';

/** Largest rebalance target accepted: ten billion reais, far above any real exposure, far below float trouble. */
const MAX_REBALANCE_CENTAVOS = 1_000_000_000_000;

/**
 * `GET /v1/wallet/balance` and `POST /v1/wallet/rebalance`. A repeated rebalance (same `requestId` and target)
 * answers 200 with the first result and `Idempotent-Replayed: true`; a ConnectPSP refusal is a 4xx problem.
 */
export function walletRoutes(service: WalletService): Router {
  const router = Router();
  const rebalanceSchema = rebalanceBodySchema(MAX_REBALANCE_CENTAVOS);

  router.get('/balance', async (_req, res) => {
    res.json(presentBalance(await service.balance()));
  });

  router.post('/rebalance', async (req, res) => {
    const body = parseOrThrow(rebalanceSchema, req.body, 'body');
    const { replayed, outcome } = await service.rebalance(body);
    if (outcome.status === 'REFUSED') {
      throw connectPspRefusal(outcome.failure ?? { code: 'REBALANCE_REFUSED', message: outcome.message });
    }
    if (replayed) res.set('Idempotent-Replayed', 'true');
    res.status(200).json(presentRebalance(outcome));
  });

  return router;
}

function presentBalance(balance: BalanceResult) {
  return {
    currency: balance.currency,
    referenceDate: balance.referenceDate,
    updatedAt: balance.updatedAt,
    consolidated: {
      total: formatAmount(balance.totalCentavos),
      transactional: formatAmount(balance.transactionalCentavos),
      proprietary: formatAmount(balance.proprietaryCentavos),
    },
    banks: balance.banks.map((bank) => ({
      ispb: bank.ispb,
      bank: bank.bank,
      transactional: formatAmount(bank.transactionalCentavos),
      proprietary: formatAmount(bank.proprietaryCentavos),
    })),
  };
}

function presentRebalance(outcome: RebalanceOutcome) {
  return {
    requestId: outcome.requestId,
    targetAmount: formatAmount(outcome.targetCentavos),
    status: outcome.status,
    message: outcome.message,
    completedAt: outcome.finishedAt,
  };
}
