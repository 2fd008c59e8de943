import net from 'node:net';

export interface NamedPort {
  port: number;
  /** What uses it and how to change it, e.g. "API (API_PORT)". */
  name: string;
}

function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Throws one message naming every port that is already taken, so the user fixes them all at once. */
export async function assertPortsFree(ports: NamedPort[], host = '127.0.0.1'): Promise<void> {
  const taken: NamedPort[] = [];
  for (const entry of ports) {
    if (!(await isFree(entry.port, host))) taken.push(entry);
  }
  if (taken.length > 0) {
    const lines = taken.map((t) => `  port ${t.port} is already in use: needed by ${t.name}`);
    throw new Error(`Cannot start:\n${lines.join('\n')}\nStop what uses it, or choose another port.`);
  }
}

/** A port the OS says is free right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Whether something accepts TCP connections on the loopback port (a server that speaks no HTTP, e.g. gRPC). */
export function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
