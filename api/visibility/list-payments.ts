import type { Client } from '@temporalio/client';
import { formatAmount } from '../schemas/money.js';
import { badRequest } from '../problem.js';

export interface ListRequest {
  kind: 'CASH_IN' | 'CASH_OUT';
  status?: string;
  limit: number;
  cursor?: string;
}

/**
 * Lists lifecycles from Temporal visibility through our search attributes, newest first. The cursor is
 * Temporal's page token, opaque to services. A reopened lifecycle has several runs: only the newest is listed.
 */
export async function listPayments(temporal: Client, namespace: string, request: ListRequest) {
  const filters = [`PaymentKind = '${request.kind}'`];
  if (request.status) filters.push(`PaymentStatus = '${request.status}'`);
  let nextPageToken: Uint8Array | undefined;
  if (request.cursor) {
    nextPageToken = Buffer.from(request.cursor, 'base64url');
    if (nextPageToken.length === 0) throw badRequest('Invalid cursor', [{ field: 'cursor', message: 'is not valid' }]);
  }
  const response = await temporal.workflowService.listWorkflowExecutions({
    namespace,
    pageSize: request.limit,
    nextPageToken,
    // No ORDER BY: SQL visibility refuses it; its own order is open lifecycles first, then by close time, newest first.
    query: filters.join(' AND '),
  });
  const seen = new Set<string>();
  const items = [];
  for (const execution of response.executions ?? []) {
    const workflowId = execution.execution?.workflowId ?? '';
    if (seen.has(workflowId)) continue;
    seen.add(workflowId);
    const attributes = execution.searchAttributes?.indexedFields ?? {};
    const decode = (name: string): unknown => {
      const payload = attributes[name];
      return payload?.data ? JSON.parse(Buffer.from(payload.data).toString('utf8')) : undefined;
    };
    const amount = decode('PaymentAmountCentavos');
    items.push({
      externalReference: decode('PaymentReference'),
      status: decode('PaymentStatus'),
      amount: typeof amount === 'number' ? formatAmount(amount) : null,
      createdAt: execution.startTime?.seconds
        ? new Date(Number(execution.startTime.seconds) * 1000).toISOString()
        : null,
    });
  }
  const token = response.nextPageToken;
  return { items, nextCursor: token && token.length > 0 ? Buffer.from(token).toString('base64url') : null };
}
