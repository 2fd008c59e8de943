import type { SyncOperationHandler } from 'nexus-rpc';
import { z } from 'zod';
import { presentCashIn } from '../../api/cash-ins/presenter.js';
import { externalReferenceSchema } from '../../api/schemas/fields.js';
import { parseOrThrow } from '../../api/validate.js';
import { mappingErrors } from '../handler-error.js';
import type { PaymentsApi } from '../payments-api.js';
import type { CashInResponse, SettleCashInRequest } from '../pix-payments-service.js';

const settleCashInInputSchema = z.strictObject({ externalReference: externalReferenceSchema });

/** `settleCashIn`: `POST /v1/cash-ins/{externalReference}/settle`, for a PAID cash-in in manual settlement mode. */
export function settleCashInHandler(api: () => PaymentsApi): SyncOperationHandler<SettleCashInRequest, CashInResponse> {
  return (_ctx, input) =>
    mappingErrors(async () => {
      const { externalReference } = parseOrThrow(settleCashInInputSchema, input, 'body');
      return presentCashIn(await api().cashIns.settle(externalReference));
    });
}
