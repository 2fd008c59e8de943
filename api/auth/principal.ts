import type { Response } from 'express';

/** Who made a request, as established by {@link authenticate}: an API key holder or an OIDC client/user. */
export interface Principal {
  /** Stable and secret-free: `api-key:<name>` or `oidc:<subject>`; keys the rate limit and appears in logs. */
  id: string;
  scheme: 'api-key' | 'oidc';
  scopes: ReadonlySet<string>;
}

export function setPrincipal(res: Response, principal: Principal): void {
  res.locals.principal = principal;
}

export function principalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}
