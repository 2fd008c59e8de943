import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { historyFromJSON, historyToJSON, type History } from '@temporalio/common/lib/proto-utils.js';

/** Checked-in histories of real runs: replaying them catches a workflow change that breaks running lifecycles. */
export const HISTORIES_DIR = fileURLToPath(new URL('../histories/', import.meta.url));

/**
 * Saves the history of a finished run when `RECORD_HISTORIES=1` (run the integration tests with it after a
 * deliberate, versioned workflow change). Otherwise does nothing, so normal test runs never rewrite them.
 */
export async function recordHistory(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const handle = client.workflow.getHandle(workflowId);
  await handle.result().catch(() => undefined);
  const history = await handle.fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), historyToJSON(history) + '\n');
}

export function loadHistories(prefix: string): { workflowId: string; history: History }[] {
  return readdirSync(HISTORIES_DIR)
    .filter((file) => file.startsWith(prefix) && file.endsWith('.json'))
    .sort()
    .map((file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'))),
    }));
}
