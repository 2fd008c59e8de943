import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { apiKeyEntryLine, generateApiKey } from '../api/auth/api-keys.js';
import type { Config } from '../config/env.js';

export const LOCAL_API_KEY_FILE = 'api-key';
export const LOCAL_PAYLOAD_KEYS_FILE = 'payload-keys';

export interface LocalSecrets {
  /** Variables the API and the worker get on top of the environment. */
  env: Record<string, string>;
  /** The API key, when it was created just now (printed once, then only in the file). */
  newApiKey?: string;
  apiKeyFile?: string;
}

/**
 * The embedded default never runs open nor stores personal data in clear: unless the environment configures
 * credentials and payload keys, `npm start` creates a random API key (all scopes) and a payload key under the
 * data directory, readable by the owner only, and hands them to the API and the worker.
 */
export function ensureLocalSecrets(config: Config, dataDir: string): LocalSecrets {
  const secrets: LocalSecrets = { env: {} };
  if (config.API_KEYS.length === 0 && !config.OIDC_ISSUER) {
    const file = path.join(dataDir, LOCAL_API_KEY_FILE);
    const existing = readSecretFile(file);
    const key = existing ?? generateApiKey();
    if (existing === undefined) {
      writeSecretFile(file, key);
      secrets.newApiKey = key;
    }
    secrets.apiKeyFile = file;
    secrets.env.API_KEYS = apiKeyEntryLine('local', key);
  }
  if (config.PAYLOAD_KEYS.length === 0) {
    const file = path.join(dataDir, LOCAL_PAYLOAD_KEYS_FILE);
    if (readSecretFile(file) === undefined) writeSecretFile(file, `local-1:${randomBytes(32).toString('base64')}`);
    secrets.env.PAYLOAD_KEYS_FILE = file;
  }
  return secrets;
}

function readSecretFile(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  if ((statSync(file).mode & 0o077) !== 0) {
    throw new Error(`${file} is readable by other users; run: chmod 600 ${file}`);
  }
  const value = readFileSync(file, 'utf8').trim();
  return value === '' ? undefined : value;
}

function writeSecretFile(file: string, value: string): void {
  // 0600 from creation (flag wx), never a moment world-readable.
  writeFileSync(file, value + '\n', { mode: 0o600, flag: existsSync(file) ? 'w' : 'wx' });
}

/** The embedded API key, if `npm start` created one in `dataDir`. */
export function readLocalApiKey(dataDir: string): string | undefined {
  return readSecretFile(path.join(dataDir, LOCAL_API_KEY_FILE));
}

/** The banner's line about the API key (`npm start`, `npm run cluster`). */
export function apiKeyBannerLine(secrets: LocalSecrets): string {
  if (!secrets.apiKeyFile) return '  API key        from API_KEYS / OIDC_ISSUER\n';
  return `  API key        in ${secrets.apiKeyFile}   (curl -H "Authorization: Bearer $(cat ${secrets.apiKeyFile})" ...)\n`;
}
