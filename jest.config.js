// ESM throughout: openid-client, jose and oidc-provider are ESM-only, so jest runs in its native ESM mode
// (node --experimental-vm-modules, see package.json) and @swc/jest strips types without changing modules.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': swc },
  testEnvironment: 'node',
};

export default {
  // Integration tests start real servers; jest reads the timeout only at the top level, not per project.
  testTimeout: 120_000,
  // Under .ci/run (CI_RESULTS_DIR set) each run also records its counts for the summary's last line.
  reporters: process.env.CI_RESULTS_DIR ? ['default', '<rootDir>/scripts/ci-results.js'] : ['default'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/support/quiet-temporal-logs.ts'],
    },
    // `npm run test:cluster` only: the official Temporal server on PostgreSQL (scripts/cluster/), built once.
    { ...common, displayName: 'cluster', testMatch: ['<rootDir>/test/cluster/**/*.test.ts'] },
  ],
};
