import { isValidCnpj, isValidCpf, isValidDocument, stripDocumentPunctuation } from '../../api/validation/documents.js';

describe('CPF', () => {
  test.each(['12345678909', '52998224725'])('%s has valid check digits', (cpf) => {
    expect(isValidCpf(cpf)).toBe(true);
  });
  test.each(['12345678900', '11111111111', '1234567890', '1234567890a'])('%s is refused', (cpf) => {
    expect(isValidCpf(cpf)).toBe(false);
  });
});

describe('CNPJ', () => {
  test.each(['11222333000181', '00000000000191'])('numeric %s has valid check digits', (cnpj) => {
    expect(isValidCnpj(cnpj)).toBe(true);
  });
  test('the alphanumeric example of the Receita Federal (12.ABC.345/01DE-35) is valid', () => {
    expect(isValidCnpj(stripDocumentPunctuation('12.ABC.345/01DE-35'))).toBe(true);
  });
  test.each(['11222333000182', '12ABC34501DE36', '00000000000000', '12abc34501de35x'])('%s is refused', (cnpj) => {
    expect(isValidCnpj(cnpj)).toBe(false);
  });
  test('documents dispatch on length', () => {
    expect(isValidDocument('52998224725')).toBe(true);
    expect(isValidDocument('11222333000181')).toBe(true);
    expect(isValidDocument('5299822472')).toBe(false);
  });
});
