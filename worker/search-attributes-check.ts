import { isGrpcServiceError, type Connection } from '@temporalio/client';
// A CommonJS package whose named exports Node's ESM loader cannot see: take the namespace from its default export.
import proto from '@temporalio/proto';
import type { Logger } from '../observability/logger.js';
import { ALL_SEARCH_ATTRIBUTES, cliTypeName } from '../workflows/search-attributes.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;
/** gRPC PERMISSION_DENIED and UNIMPLEMENTED: the operator API is not ours to call. */
const NOT_PERMITTED_CODES = [7, 12];

export interface SearchAttributeProblem {
  name: string;
  /** What an operator runs to fix it. */
  fix: string;
  /** The type it is registered with, when it is registered with another. */
  registeredAs?: string;
}

/**
 * Our search attributes the namespace lacks or registered with another type, or undefined when this connection
 * may not list them (a Temporal Cloud namespace: its attributes are managed in Cloud, not through the operator API).
 */
export async function searchAttributeProblems(
  connection: Connection,
  namespace: string,
): Promise<SearchAttributeProblem[] | undefined> {
  let registered: Record<string, number>;
  try {
    const response = await connection.operatorService.listSearchAttributes({ namespace });
    registered = (response.customAttributes ?? {}) as Record<string, number>;
  } catch (err) {
    if (isGrpcServiceError(err) && NOT_PERMITTED_CODES.includes(err.code)) return undefined;
    throw err;
  }
  const problems: SearchAttributeProblem[] = [];
  for (const key of ALL_SEARCH_ATTRIBUTES) {
    const found = registered[key.name];
    const type = cliTypeName(key);
    const create = `temporal operator search-attribute create --namespace ${namespace} --name ${key.name} --type ${type}`;
    if (found === undefined) {
      problems.push({ name: key.name, fix: create });
    } else if (found !== IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`]) {
      const registeredAs = cliName(found);
      const remove = `temporal operator search-attribute remove --namespace ${namespace} --name ${key.name}`;
      problems.push({ name: key.name, registeredAs, fix: `${remove} && ${create}` });
    }
  }
  return problems;
}

/**
 * Checked at worker start: a lifecycle upserting an attribute the namespace lacks fails its workflow task over and
 * over, long after the deploy, so a worker refuses to start instead (false) and says what to run.
 */
export async function checkSearchAttributes(
  connection: Connection,
  namespace: string,
  logger: Logger,
): Promise<boolean> {
  const problems = await searchAttributeProblems(connection, namespace);
  if (problems === undefined) {
    logger.warn({ namespace }, 'search attributes not checked: this connection may not list them');
    return true;
  }
  for (const { name, registeredAs, fix } of problems) {
    const what = registeredAs === undefined ? 'is not registered' : `is registered as ${registeredAs}`;
    logger.error({ namespace, searchAttribute: name, fix }, `search attribute ${name} ${what}; run: ${fix}`);
  }
  return problems.length === 0;
}

/** `INDEXED_VALUE_TYPE_KEYWORD_LIST` as the CLI names it: `KeywordList`. */
function cliName(indexedValueType: number): string {
  const name = (IndexedValueType[indexedValueType] ?? 'UNSPECIFIED').replace('INDEXED_VALUE_TYPE_', '');
  return name.toLowerCase().replace(/(?:^|_)(\w)/g, (_, letter: string) => letter.toUpperCase());
}
