/**
 * Every tag a route's documentation may carry, with the description the document shows for it. A route names its
 * tags from here (`RouteDoc.tags`), so a new group of routes cannot reach the document without a description.
 */
export const API_TAGS = {
  'Cash-ins': 'PIX charges a payer pays by QR code or OpenFinance: create, follow, settle manually, refund.',
  'Cash-outs': 'PIX payouts to a PIX key or a bank account, followed to COMPLETED, FAILED or REFUNDED.',
  Events:
    'The callback events a service was sent, kept for 30 days: list what was missed, see every delivery ' +
    'attempt, send them again.',
  Wallet: 'The balances at ConnectPSP’s partner bank and moving funds between its two accounts.',
  Webhooks: 'ConnectPSP’s signed notifications in. Called by ConnectPSP, not by services.',
  Operations: 'Health, readiness, metrics, this document, and the Temporal payload codec: for operators and tools.',
} as const;

export type ApiTag = keyof typeof API_TAGS;
