import type { SyncOperationHandler } from 'nexus-rpc';
import { presentCashIn } from '../../api/cash-ins/presenter.js';
import { refundBodySchema } from '../../api/schemas/cash-in.js';
import { externalReferenceSchema } from '../../api/schemas/fields.js';
import { parseOrThrow } from '../../api/validate.js';
import { mappingErrors } from '../handler-error.js';
import type { PaymentsApi } from '../payments-api.js';
import type { CashInResponse, RefundCashInRequest } from '../pix-payments-service.js';

/** The refund route's body, with the cash-in it is for (in the route, its path). */
const refundCashInInputSchema = refundBodySchema.extend({ externalReference: externalReferenceSchema });

/** `refundCashIn`: `POST /v1/cash-ins/{externalReference}/refund`, answered with status REFUNDING. */
export function refundCashInHandler(api: () => PaymentsApi): SyncOperationHandler<RefundCashInRequest, CashInResponse> {
  return (_ctx, input) =>
    mappingErrors(async () => {
      const { externalReference, ...request } = parseOrThrow(refundCashInInputSchema, input, 'body');
      return presentCashIn(await api().cashIns.refund(externalReference, request));
    });
}
