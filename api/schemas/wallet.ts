import { z } from 'zod';
import { amountSchema } from './money.js';

export function rebalanceBodySchema(maxAmountCentavos: number) {
  return z.strictObject({
    /** The wanted transactional balance; 0 sweeps it all to the proprietary account. */
    targetAmount: amountSchema(maxAmountCentavos, { allowZero: true }),
    /** The service's id of this rebalance: the same id never rebalances twice. */
    requestId: z
      .string({ error: 'is required' })
      .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 . _ : -'),
  });
}
export type RebalanceBody = z.infer<ReturnType<typeof rebalanceBodySchema>>;
