import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';
import { resolveTemporalCli } from './temporal-binaries.js';

export interface DevServerOptions {
  /** Frontend port; a free one when omitted. */
  port?: number;
  /** Web UI port; no UI when omitted. */
  uiPort?: number;
  /** SQLite file; in memory when omitted. */
  dbFilename?: string;
  /** Remote codec endpoint the Web UI calls to decode payloads. */
  uiCodecEndpoint?: string;
  namespace?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Data converter of the environment's own client (tests read encrypted payloads through it). */
  dataConverter?: DataConverter;
}

/**
 * Starts the real Temporal dev server (Temporal CLI: server, SQLite, Web UI) with our search attributes
 * registered. Used by `npm start`, the tests and the benchmarks alike, so they all run the same binary.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<TestWorkflowEnvironment> {
  const cli = resolveTemporalCli();
  const extraArgs: string[] = [];
  if (options.dbFilename) {
    // WAL lets the UI and visibility queries read while the server writes; state survives restarts.
    extraArgs.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  if (options.uiCodecEndpoint) extraArgs.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  return TestWorkflowEnvironment.createLocal({
    client: options.dataConverter ? { dataConverter: options.dataConverter } : undefined,
    server: {
      executable: cli.executable,
      ip: '127.0.0.1',
      port: options.port,
      ui: options.uiPort !== undefined,
      uiPort: options.uiPort,
      dbFilename: options.dbFilename,
      namespace: options.namespace,
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: options.logLevel ?? 'warn' },
      extraArgs,
    },
  });
}
