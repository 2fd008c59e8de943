import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { historyFromJSON, historyToJSON, type History } from '@temporalio/common/lib/proto-utils.js';

/**
 * Checked-in histories of real runs, one folder per release (`v1.0.0/`): every history recorded at a release must
 * replay on main, which catches a workflow change that would break the lifecycles that release left running.
 */
export const HISTORIES_DIR = fileURLToPath(new URL('../histories/', import.meta.url));

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/**
 * Saves the history of a finished run into this version's folder when `RECORD_HISTORIES=1` (run the integration
 * tests with it when preparing a release). Otherwise does nothing, so normal test runs never rewrite them.
 */
export async function recordHistory(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const handle = client.workflow.getHandle(workflowId);
  await handle.result().catch(() => undefined);
  const history = await handle.fetchHistory();
  const dir = path.join(HISTORIES_DIR, `v${version}`);
  mkdirSync(dir, { recursive: true });
  // The workflow id goes with the history: ids derived from it (a child's) must be the same on replay.
  const json = { workflowId, ...(JSON.parse(historyToJSON(history)) as object) };
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(json, null, 2) + '\n');
}

/** Every release's histories whose name starts with `prefix`, named `v1.0.0/cash-in-expired`. */
export function loadHistories(prefix: string): { workflowId: string; history: History }[] {
  return readdirSync(HISTORIES_DIR, { recursive: true, encoding: 'utf8' })
    .filter((file) => path.basename(file).startsWith(prefix) && file.endsWith('.json'))
    .sort()
    .map((file) => {
      const { workflowId, ...history } = JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as {
        workflowId?: string;
      };
      // Histories recorded without their workflow id replay under their file's name.
      return { workflowId: workflowId ?? file.replace(/\.json$/, ''), history: historyFromJSON(history) };
    });
}
