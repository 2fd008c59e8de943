import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const LIFECYCLE_METRICS = fileURLToPath(new URL('../workflows/interceptors/lifecycle-metrics.ts', import.meta.url));
const OPENTELEMETRY = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/**
 * The workflow interceptor modules bundled with the workflows. Tracing is its own bundle: with tracing off
 * the workflow code carries no OpenTelemetry at all, and so costs nothing per activation.
 */
export function workflowInterceptorModules(traced: boolean): string[] {
  return traced ? [LIFECYCLE_METRICS, OPENTELEMETRY] : [LIFECYCLE_METRICS];
}

/** A prebuilt bundle's traced sibling: `workflows.js` → `workflows-traced.js` (both written by the build). */
export function tracedBundlePath(bundlePath: string): string {
  return bundlePath.replace(/(\.js)?$/, '-traced.js');
}
