import { DefaultLogger, Runtime } from '@temporalio/worker';

// Worker INFO lines (bundle stats, state changes) bury test failures; keep warnings and errors.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed for this process by an earlier test file.
}
