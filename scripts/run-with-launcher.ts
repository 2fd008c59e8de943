import path from 'node:path';
import { pathToFileURL } from 'node:url';
import './exit-with-launcher.js';

/**
 * `node --import tsx scripts/run-with-launcher.ts <entry.ts>`: runs a part of the embedded stack so that it stops
 * by itself when its launcher is gone. Imported here rather than preloaded with a second `--import`: Node hands
 * `execArgv` to worker threads (the Temporal worker runs workflows in them), and a thread cannot preload a `.ts`
 * file before tsx's hooks are in place there.
 */
const entry = process.argv[2];
if (!entry) throw new Error('usage: run-with-launcher.ts <entry.ts>');
process.argv.splice(2, 1);
await import(pathToFileURL(path.resolve(entry)).href);
