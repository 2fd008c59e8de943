/**
 * RFC 7807 problem details, the only error shape our API answers with. `code` is the stable machine
 * code services branch on; `errors` lists every offending field of a validation failure.
 */
export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const TYPE_BASE = 'https://pix-agent.dev/problems/';

export class Problem extends Error {
  readonly body: ProblemBody;
  /** Extra response headers, e.g. `Retry-After` or `WWW-Authenticate`. */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    title: string,
    detail: string,
    extensions: Omit<Partial<ProblemBody>, 'status' | 'code' | 'title' | 'detail'> = {},
    headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'Problem';
    this.body = {
      ...extensions,
      type: TYPE_BASE + code.toLowerCase().replace(/_/g, '-'),
      title,
      status,
      code,
      detail,
    };
    this.headers = headers;
  }
}

export const badRequest = (detail: string, errors: FieldError[]) =>
  new Problem(400, 'VALIDATION_ERROR', 'Invalid request', detail, { errors });
export const notFound = (detail: string) => new Problem(404, 'NOT_FOUND', 'Not found', detail);
export const conflict = (code: string, detail: string, extensions: Record<string, unknown> = {}) =>
  new Problem(409, code, 'Conflict', detail, extensions);
export const unavailable = (detail: string) =>
  new Problem(503, 'TEMPORARILY_UNAVAILABLE', 'Service unavailable', detail, {}, { 'Retry-After': '1' });
