import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { tracedBundlePath, WORKFLOWS_PATH, workflowInterceptorModules } from '../worker/workflow-bundle.js';

/**
 * Builds the workflow bundles ahead of time (the Docker image does, so workers start without webpack):
 * `<out>` without tracing and its `-traced` sibling with the OpenTelemetry interceptors. The worker picks one
 * from `WORKFLOW_BUNDLE_PATH` and `TRACING_EXPORTER`.
 *
 * Usage: tsx scripts/bundle-workflows.ts [out=dist/workflows.js]
 */
const out = path.resolve(process.argv[2] ?? 'dist/workflows.js');
await mkdir(path.dirname(out), { recursive: true });
for (const [traced, file] of [
  [false, out],
  [true, tracedBundlePath(out)],
] as const) {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: workflowInterceptorModules(traced),
  });
  await writeFile(file, code);
  console.log(`${file} (${Math.round(code.length / 1024)} KiB${traced ? ', traced' : ''})`);
}
