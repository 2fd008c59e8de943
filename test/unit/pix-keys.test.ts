import { normalisePixKey, pixKeyProblem, type PixKeyType } from '../../api/validation/pix-keys.js';

const valid = (type: PixKeyType, key: string) => pixKeyProblem(type, normalisePixKey(type, key)) === undefined;

test.each<[PixKeyType, string]>([
  ['CPF', '52998224725'],
  ['CPF', '529.982.247-25'],
  ['CNPJ', '11.222.333/0001-81'],
  ['CNPJ', '12.ABC.345/01DE-35'],
  ['EMAIL', 'maria.silva+pix@example.com.br'],
  ['PHONE', '+5511987654321'],
  ['PHONE', '+551133334444'],
  ['EVP', '123E4567-E89B-12D3-A456-426614174000'],
])('a %s key %s is valid', (type, key) => {
  expect(valid(type, key)).toBe(true);
});

test.each<[PixKeyType, string]>([
  ['CPF', '52998224726'],
  ['CPF', '11111111111'],
  ['CNPJ', '11222333000182'],
  ['EMAIL', 'maria@'],
  ['EMAIL', `${'a'.repeat(70)}@example.com`],
  ['PHONE', '11987654321'],
  ['PHONE', '+14155552671'],
  ['PHONE', '+5501987654321'],
  ['EVP', '123e4567e89b12d3a456426614174000'],
  ['EVP', '52998224725'],
])('a %s key %s is refused', (type, key) => {
  expect(valid(type, key)).toBe(false);
});

test('keys are sent as ConnectPSP expects them: documents bare, random keys in lower case', () => {
  expect(normalisePixKey('CPF', ' 529.982.247-25 ')).toBe('52998224725');
  expect(normalisePixKey('EVP', '123E4567-E89B-12D3-A456-426614174000')).toBe('123e4567-e89b-12d3-a456-426614174000');
});
