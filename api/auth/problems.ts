import { Problem } from '../problem.js';

const REALM = 'pix-agent';

/**
 * 401: no credential, or one we do not accept. `WWW-Authenticate` follows RFC 6750: a request without a token
 * gets only the challenge; a bad token also gets `error="invalid_token"`.
 */
export function unauthorized(detail: string, tokenPresented: boolean): Problem {
  const challenge = tokenPresented
    ? `Bearer realm="${REALM}", error="invalid_token", error_description="${detail.replace(/"/g, "'")}"`
    : `Bearer realm="${REALM}"`;
  return new Problem(401, 'UNAUTHENTICATED', 'Unauthenticated', detail, {}, { 'WWW-Authenticate': challenge });
}

/** 403: a valid credential without the scope the route needs. */
export function forbidden(scope: string | undefined): Problem {
  const detail = scope ? `This credential lacks the scope ${scope}` : 'No scope grants access to this route';
  return new Problem(403, 'INSUFFICIENT_SCOPE', 'Forbidden', detail, scope ? { requiredScope: scope } : {}, {
    'WWW-Authenticate': `Bearer realm="${REALM}", error="insufficient_scope"${scope ? `, scope="${scope}"` : ''}`,
  });
}
