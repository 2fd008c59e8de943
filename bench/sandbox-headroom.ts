import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../scripts/temporal-binaries.js';

/**
 * The sandbox's own `POST /cash-in` throughput, measured by `bench/sandbox-throughput.ts` in a child process
 * (sandbox pinned to one core, load generator to the other): it must sit far above the lifecycle rate, or the
 * lifecycle figures would measure the simulator.
 */
export function sandboxHeadroom(durationSeconds: number, connections: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/sandbox-throughput.ts', String(durationSeconds), String(connections)],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const json = out.slice(out.indexOf('{'));
      if (code !== 0 || !json.startsWith('{')) return reject(new Error(`sandbox-throughput exited ${code}: ${out}`));
      resolve(JSON.parse(json) as Record<string, unknown>);
    });
  });
}
