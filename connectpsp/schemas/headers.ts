/** Header names of the ConnectPSP API and its webhooks, spelled as the docs spell them. */
export const ConnectPspHeader = {
  AUTHORIZATION: 'Authorization',
  APPLICATION_TOKEN: 'ApplicationToken',
  DIGITAL_SIGNATURE: 'DigitalSignature',
  IDEMPOTENCY_KEY: 'X-Idempotency-Key',
  WEBHOOK_SIGNATURE: 'X-Connect-Signature',
  EVENT_ID: 'X-Event-Id',
} as const;
export type ConnectPspHeader = (typeof ConnectPspHeader)[keyof typeof ConnectPspHeader];
