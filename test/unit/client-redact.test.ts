import { REDACTED, redact, redactSecrets, redactText } from '../../connectpsp/redact.js';

describe('redact', () => {
  test('secrets and personal data are masked while ids, statuses and amounts stay readable', () => {
    const input = {
      transactionId: 'kk6g232xel65a0daee4dd13kk2912714964',
      status: 'PAID',
      amount: 150.5,
      endToEndId: 'E00416968202603101827cemeFscF6AG',
      headers: { Authorization: 'Bearer abc', ApplicationToken: 'f47ac10b', DigitalSignature: 'ff' },
      payer: { name: 'Maria Silva', document: '12345678909', bankData: { ispb: '00000000', account: '1' } },
      payee: {
        destination: { type: 'PIX', pixKeyType: 'EMAIL', pixKey: 'maria@example.com' },
      },
      accounts: [{ bankAccount: { ispb: '18236120', branch: '0001', account: '947710840' } }],
    };
    expect(redact(input)).toEqual({
      transactionId: 'kk6g232xel65a0daee4dd13kk2912714964',
      status: 'PAID',
      amount: 150.5,
      endToEndId: 'E00416968202603101827cemeFscF6AG',
      headers: { Authorization: REDACTED, ApplicationToken: REDACTED, DigitalSignature: REDACTED },
      payer: { name: REDACTED, document: REDACTED, bankData: REDACTED },
      payee: { destination: { type: 'PIX', pixKeyType: 'EMAIL', pixKey: REDACTED } },
      accounts: [{ bankAccount: REDACTED }],
    });
  });

  test('free text loses JWTs, documents, e-mails, phones and signatures', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJl';
    const text =
      `token ${jwt} for 123.456.789-09 / 12345678909 / 12345678000195 / maria@example.com / +5511999998888 ` +
      `sig d2a41c87d996da7fe42294bc1ec14694eb8558c0d5ccc1a47a3c9781941e9d78 ispb 18236120 id E00416968202603101827cemeFscF6AG`;
    const masked = redactText(text);
    for (const secret of [
      jwt,
      '123.456.789-09',
      '12345678909',
      '12345678000195',
      'maria@example.com',
      '+5511999998888',
    ]) {
      expect(masked).not.toContain(secret);
    }
    expect(masked).not.toContain('d2a41c87');
    expect(masked).toContain('ispb 18236120');
    expect(masked).toContain('E00416968202603101827cemeFscF6AG');
  });

  test('configured secret values are masked wherever they appear', () => {
    expect(redactSecrets('crypto=test-crypto-token-123;', ['test-crypto-token-123', ''])).toBe(`crypto=${REDACTED};`);
  });
});

test('alphanumeric CNPJs are masked in free text, while ConnectPSP internal codes are kept', () => {
  expect(redactText('payee 12ABC34501DE35 / 12.ABC.345/01DE-35 code IVKPRMOCDY US7B1JQ')).toBe(
    'payee [REDACTED] / [REDACTED] code IVKPRMOCDY US7B1JQ',
  );
});
