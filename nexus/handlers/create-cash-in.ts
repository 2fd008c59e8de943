import type { SyncOperationHandler } from 'nexus-rpc';
import { presentCashIn } from '../../api/cash-ins/presenter.js';
import { mappingErrors } from '../handler-error.js';
import type { PaymentsApi } from '../payments-api.js';
import type { CashInResponse, CreateCashInRequest } from '../pix-payments-service.js';

/** `createCashIn`: `POST /v1/cash-ins` as a synchronous operation, answered with the QR code or OpenFinance URL. */
export function createCashInHandler(api: () => PaymentsApi): SyncOperationHandler<CreateCashInRequest, CashInResponse> {
  return (_ctx, input) => mappingErrors(async () => presentCashIn((await api().createCashIn(input)).view));
}
