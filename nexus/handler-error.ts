import { HandlerError, type HandlerErrorType } from 'nexus-rpc';
import { Problem } from '../api/problem.js';

/**
 * An error of ours as a Nexus handler error, mapped as the API maps it to problem+json: what the caller sent
 * (a field, a state, a conflict, a refusal by ConnectPSP) is not retried and names the field or the code; our own
 * faults and unavailability are retried by the Nexus machinery.
 */
export function asHandlerError(err: unknown): HandlerError {
  if (err instanceof HandlerError) return err;
  if (err instanceof Problem) {
    const { status, code, detail, errors } = err.body;
    const fields = errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
    const message = `${code}: ${detail}${fields ? ` (${fields})` : ''}`;
    if (status < 500) return new HandlerError(callerFault(status), message, { cause: err, retryableOverride: false });
    return new HandlerError(status === 503 ? 'UNAVAILABLE' : 'INTERNAL', message, { cause: err });
  }
  // Not the caller's doing (Temporal unreachable, a bug): retried, its details kept in our logs, not in the answer.
  return new HandlerError('INTERNAL', 'pix-payments failed on its side; the operation is retried', { cause: err });
}

function callerFault(status: number): HandlerErrorType {
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  return 'BAD_REQUEST';
}

/** Runs a handler's work with its errors mapped (see `asHandlerError`). */
export async function mappingErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw asHandlerError(err);
  }
}
