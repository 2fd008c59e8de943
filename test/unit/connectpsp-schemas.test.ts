import {
  AuthTokenResponseSchema,
  BalanceResponseSchema,
  CashInSchema,
  CashOutSchema,
  CreateCashInRequestSchema,
  CreateCashInResponseSchema,
  CreateCashOutRequestSchema,
  ProblemSchema,
  RebalanceRequestSchema,
  RefundCashInResponseSchema,
  WebhookEnvelopeSchema,
  WebhookEventSchema,
  problemTypeUri,
} from '../../connectpsp/schemas/index.js';

// Bodies below are the documentation's own examples (contract §4, §9, §14, §15).
const createdCashIn = {
  transactionId: 'kk6g232xel65a0daee4dd13kk2912714964',
  internalCode: 'US7B1JQ',
  externalReference: 'test-order-001',
  status: 'AWAITING_PAYMENT',
  amount: 10.0,
  payer: { name: 'Test User', document: '12345678909' },
  pixData: { copyAndPaste: '00020101021226...', qrCodeImageBase64: 'iVBORw0KGgoAAAANSU...' },
  requestedAt: '2026-03-10T11:20:00-03:00',
};

const pixCashOut = {
  amount: 50.0,
  externalReference: 'withdrawal-user-42-001',
  description: 'User withdrawal',
  webhookUrl: 'https://example.com/webhooks/connectpsp',
  payee: {
    name: 'Maria Silva',
    document: '12345678909',
    destination: { type: 'PIX', pixKeyType: 'CPF', pixKey: '12345678909' },
  },
};

describe('ConnectPSP contract schemas', () => {
  test('the documented token response parses', () => {
    const parsed = AuthTokenResponseSchema.parse({
      accessToken: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.x',
      tokenType: 'Bearer',
      expiresIn: 3600,
      issuedAt: '2026-03-10T14:00:00Z',
    });
    expect(parsed.expiresIn).toBe(3600);
  });

  test('the documented cash-in 201 parses and keeps fields the schema does not know', () => {
    const parsed = CreateCashInResponseSchema.parse({ ...createdCashIn, futureField: 'kept' });
    expect(parsed.pixData?.copyAndPaste.startsWith('000201')).toBe(true);
    expect((parsed as Record<string, unknown>).futureField).toBe('kept');
  });

  test('a cash-in response missing a required field fails and names the field', () => {
    const { status: _status, ...withoutStatus } = createdCashIn;
    const result = CashInSchema.safeParse(withoutStatus);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain('status');
  });

  test('a cash-in request rejects amounts with three decimals and malformed documents, naming each field', () => {
    const result = CreateCashInRequestSchema.safeParse({
      amount: 10.001,
      externalReference: 'order-1',
      payer: { name: 'Test User', document: '123' },
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['amount', 'payer.document']));
  });

  test('both documented cash-out destinations parse and a PIX key must match its type', () => {
    expect(CreateCashOutRequestSchema.safeParse(pixCashOut).success).toBe(true);
    const bankAccount = {
      ...pixCashOut,
      payee: {
        ...pixCashOut.payee,
        destination: {
          type: 'BANK_ACCOUNT',
          bankAccount: { ispb: '18236120', branch: '0001', account: '947710840', accountType: 'PAYMENT' },
        },
      },
    };
    expect(CreateCashOutRequestSchema.safeParse(bankAccount).success).toBe(true);
    const badKey = {
      ...pixCashOut,
      payee: { ...pixCashOut.payee, destination: { type: 'PIX', pixKeyType: 'EMAIL', pixKey: 'not-an-email' } },
    };
    const result = CreateCashOutRequestSchema.safeParse(badKey);
    expect(result.error?.issues[0]?.path).toEqual(['payee', 'destination', 'pixKey']);
  });

  test('a failed cash-out carries its failure and a null end-to-end id', () => {
    const parsed = CashOutSchema.parse({
      transactionId: 'dd30446e-6cc5-4664-bf3f-6b7f5e55a1a9',
      internalCode: 'IVKPRMOCDY',
      externalReference: 'withdrawal-user-42-001',
      endToEndId: null,
      status: 'FAILED',
      amount: 50,
      failure: { code: 'PIX_KEY_NOT_FOUND', message: 'The provided PIX key did not resolve to a valid account.' },
      payee: pixCashOut.payee,
    });
    expect(parsed.failure?.code).toBe('PIX_KEY_NOT_FOUND');
  });

  test('the refund 202 needs only its documented leading fields', () => {
    const parsed = RefundCashInResponseSchema.parse({
      transactionId: 'kk6g232xel65a0daee4dd13kk2912714964',
      internalCode: 'US7B1JQ',
      externalReference: 'test-order-001',
      endToEndId: 'D00416968202603101827cemeFscF6AG',
    });
    expect(parsed.endToEndId.startsWith('D')).toBe(true);
    expect(RefundCashInResponseSchema.safeParse({ transactionId: 'x', internalCode: 'y' }).success).toBe(false);
  });

  test('the documented balance snapshot parses', () => {
    const account = { branch: '0001', account: '123456', balance: 200000 };
    const parsed = BalanceResponseSchema.parse({
      currency: 'BRL',
      referenceDate: '2026-03-10',
      consolidated: { totalBalance: 1500000, transactionalBalance: 500000, proprietaryBalance: 1000000 },
      banks: [
        { ispb: '13935893', bank: 'CELCOIN IP S.A.', accounts: { transactional: account, proprietary: account } },
      ],
      updatedAt: '2026-03-10T14:35:00Z',
    });
    expect(parsed.banks).toHaveLength(1);
    expect(RebalanceRequestSchema.safeParse({ targetAmount: 1000000 }).success).toBe(true);
  });

  test('webhook events are told apart by eventType and unknown types still pass the envelope', () => {
    const event = WebhookEventSchema.parse({
      eventType: 'CASHIN_PAID',
      eventAt: '2026-03-10T14:22:18Z',
      data: {
        ...createdCashIn,
        status: 'PAID',
        endToEndId: 'E00416968202603101827cemeFscF6AG',
        payer: {
          ...createdCashIn.payer,
          bankData: { ispb: '00000000', bank: 'Banco do Brasil S.A.', branch: '0001', account: '123456' },
        },
      },
    });
    expect(event.eventType).toBe('CASHIN_PAID');
    const future = { eventType: 'CASHIN_DISPUTED', eventAt: '2026-03-10T14:22:18Z', data: {} };
    expect(WebhookEventSchema.safeParse(future).success).toBe(false);
    expect(WebhookEnvelopeSchema.safeParse(future).success).toBe(true);
  });

  test('the documented problem body parses and its type follows the code', () => {
    const problem = ProblemSchema.parse({
      type: 'https://connect-psp.redocly.app/errors/insufficient-funds',
      title: 'Insufficient Funds',
      status: 422,
      code: 'INSUFFICIENT_FUNDS',
      detail: 'The requested amount of R$ 500.00 exceeds available balance of R$ 100.00.',
    });
    expect(problemTypeUri(problem.code)).toBe(problem.type);
  });
});
