import { provisionTemporalBinaries } from './temporal-binaries.js';

// Runs as npm's postinstall. A failure here is reported but does not fail `npm ci`: the binaries can
// still come from TEMPORAL_CLI_PATH, PATH or the SDK's download, and the lookup explains what is missing.
if (process.env.SKIP_TEMPORAL_PROVISION) {
  console.log('SKIP_TEMPORAL_PROVISION is set: not installing Temporal binaries.');
} else {
  const problems = provisionTemporalBinaries();
  for (const problem of problems) console.warn(`warning: ${problem}`);
}
