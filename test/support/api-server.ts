import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { pino } from 'pino';
import { createApp } from '../../api/app.js';
import type { Config } from '../../config/env.js';

/** Our API app on a free loopback port, with the Temporal client given (a real one, or one that reaches nothing). */
export async function serveApi(config: Config, temporal: Client): Promise<{ url: string; close: () => void }> {
  const server = createApp({ config, temporal, logger: pino({ level: 'silent' }) }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** A Temporal client pointed at a port where nothing listens: every call fails, after the client's own retries. */
export function unreachableTemporal(options: { connectTimeout?: string } = {}) {
  const connection = Connection.lazy({ address: '127.0.0.1:1', ...options });
  return { client: new Client({ connection }), close: () => connection.close() };
}
