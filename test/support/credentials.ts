import { apiKeyEntryLine } from '../../api/auth/api-keys.js';
import { createDataConverter } from '../../codec/data-converter.js';
import { parsePayloadKeys } from '../../codec/payload-keys.js';

/** The API key `startStack()` configures with every scope and `stack.api()` sends by default. */
export const TEST_API_KEY = 'pixk_test-all-scopes-0123456789abcdefghijklmnopqrstuv';
export const TEST_API_KEYS_ENTRY = apiKeyEntryLine('tests', TEST_API_KEY);

/**
 * Fixed payload keys for tests, so histories recorded by the integration tests (`RECORD_HISTORIES=1`) can be
 * replayed later by the replay test with the same data converter.
 */
export const TEST_PAYLOAD_KEYS = 'test-2026:dGVzdC1vbmx5LXBheWxvYWQta2V5LTMyLWJ5dGVzISE=';
export const testDataConverter = () => createDataConverter(parsePayloadKeys(TEST_PAYLOAD_KEYS));
