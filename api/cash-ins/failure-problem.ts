import { Problem } from '../problem.js';

/** ConnectPSP refused the charge: the service gets a 4xx carrying ConnectPSP's own code. */
export function connectPspRefusal(failure: { code: string; message: string }): Problem {
  const status = failure.code === 'VALIDATION_ERROR' ? 400 : failure.code.startsWith('DUPLICATE') ? 409 : 422;
  return new Problem(status, failure.code, 'Refused by ConnectPSP', failure.message, { source: 'connectpsp' });
}
