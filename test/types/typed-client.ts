/**
 * Compiled by `npm run typecheck`, never run: what a service writes with the typed client must compile under strict
 * TypeScript, and what the API would refuse must not.
 */
import { createPixAgentClient } from '../../clients/typescript/index.js';

const client = createPixAgentClient({ baseUrl: 'http://127.0.0.1:3000', apiKey: 'key' });

export async function listsWithANumericLimit(): Promise<string[]> {
  const { data, error } = await client.GET('/v1/cash-ins', { params: { query: { limit: 5, status: 'SETTLED' } } });
  if (error) throw new Error(`${error.code}: ${error.detail}`);
  return data.items.map((item) => item.externalReference);
}

export async function refusesWhatTheSpecRefuses(): Promise<void> {
  // @ts-expect-error the limit is an integer, not its text
  await client.GET('/v1/cash-ins', { params: { query: { limit: '5' } } });
  // @ts-expect-error no such status
  await client.GET('/v1/cash-outs', { params: { query: { status: 'PAID_OUT' } } });
  // @ts-expect-error the payer is required
  await client.POST('/v1/cash-ins', { body: { externalReference: 'order-1', amount: '10.00' } });
}

export async function createsACashIn(): Promise<string | undefined> {
  const { data } = await client.POST('/v1/cash-ins', {
    body: { externalReference: 'order-1', amount: '10.00', payer: { name: 'Maria Silva', document: '52998224725' } },
  });
  return data?.pix?.copyAndPaste;
}

/** The README's five lines, as a service writes them. */
export async function readmeExample(): Promise<void> {
  const pix = createPixAgentClient({ baseUrl: 'http://127.0.0.1:3000', apiKey: process.env.PIX_AGENT_API_KEY });
  const { data, error } = await pix.POST('/v1/cash-ins', {
    body: { externalReference: 'order-1001', amount: '25.90', payer: { name: 'Maria Silva', document: '52998224725' } },
  });
  if (error) throw new Error(`${error.code}: ${error.detail}`);
  console.log(data.status, data.pix?.copyAndPaste); // AWAITING_PAYMENT 00020101021226…
}
