import type { Client } from '@temporalio/client';
import type { Config } from '../../config/env.js';
import { formatAmount } from '../schemas/money.js';
import { PageCursors } from './page-cursor.js';
import { invalidCursor } from './signed-cursor.js';

export interface ListRequest {
  kind: 'CASH_IN' | 'CASH_OUT';
  status?: string;
  limit: number;
  cursor?: string;
}

/**
 * Lists lifecycles from Temporal visibility through our search attributes, newest first. The cursor wraps
 * Temporal's page token (see page-cursor.ts), opaque to services and checked before Temporal is asked.
 * A reopened lifecycle has several runs: only the newest is listed.
 */
export async function listPayments(
  temporal: Client,
  config: Pick<Config, 'TEMPORAL_NAMESPACE' | 'CALLBACK_SECRET'>,
  request: ListRequest,
) {
  const cursors = new PageCursors(config.CALLBACK_SECRET);
  const scope = { kind: request.kind, status: request.status };
  const filters = [`PaymentKind = '${request.kind}'`];
  if (request.status) filters.push(`PaymentStatus = '${request.status}'`);
  const nextPageToken = request.cursor === undefined ? undefined : cursors.decode(scope, request.cursor);
  const response = await temporal.workflowService
    .listWorkflowExecutions({
      namespace: config.TEMPORAL_NAMESPACE,
      pageSize: request.limit,
      nextPageToken,
      // No ORDER BY: SQL visibility refuses it; its own order is open lifecycles first, then by close time, newest first.
      query: filters.join(' AND '),
    })
    .catch((err: unknown) => {
      // A token we minted that this visibility store no longer takes (e.g. after a store migration).
      if (nextPageToken && (err as { code?: unknown }).code === INVALID_ARGUMENT) {
        throw invalidCursor('has expired: start again from the first page');
      }
      throw err;
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
  return { items, nextCursor: token && token.length > 0 ? cursors.encode(scope, token) : null };
}

/** gRPC INVALID_ARGUMENT: not retried by the client's interceptor, so it arrives at once. */
const INVALID_ARGUMENT = 3;
