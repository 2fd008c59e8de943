import { ensureSchemathesis } from './schemathesis.js';

// Runs as npm's postinstall, after the Temporal binaries. A failure is reported but does not fail `npm ci`:
// only `npm run fuzz` needs schemathesis, and it tries again with the same explanation.
if (process.env.SKIP_SCHEMATHESIS_PROVISION) {
  console.log('SKIP_SCHEMATHESIS_PROVISION is set: not installing schemathesis.');
} else {
  try {
    ensureSchemathesis();
  } catch (err) {
    console.warn(`warning: ${(err as Error).message}`);
  }
}
