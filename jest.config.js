// ESM throughout: openid-client, jose and oidc-provider are ESM-only, so jest runs in its native ESM mode
// (node --experimental-vm-modules, see package.json) and @swc/jest strips types without changing modules.
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } },
];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': swc },
  testEnvironment: 'node',
};

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      testTimeout: 120_000,
      setupFiles: ['<rootDir>/test/support/quiet-temporal-logs.ts'],
    },
  ],
};
