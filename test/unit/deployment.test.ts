import { readFileSync } from 'node:fs';
import { validate } from 'dockerfile-utils';
import { parse } from 'yaml';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

// No Docker engine runs here: the compose file and the Dockerfile are checked statically.
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true });
const dockerfile = readFileSync('Dockerfile', 'utf8');
const services = compose.services as Record<string, any>;

test('compose has Temporal on PostgreSQL, its setup, the UI, the API and the worker, and an opt-in sandbox', () => {
  expect(Object.keys(services).sort()).toEqual(
    ['api', 'postgresql', 'sandbox', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'worker'].sort(),
  );
  expect(services.temporal.image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
  expect(services['temporal-ui'].image).toMatch(/^temporalio\/ui:/);
  expect(services.temporal.environment.DB).toBe('postgres12');
  expect(services.sandbox.profiles).toEqual(['sandbox']);
  for (const name of ['api', 'worker', 'temporal', 'temporal-ui', 'postgresql', 'sandbox']) {
    expect({ name, healthcheck: Array.isArray(services[name].healthcheck?.test) }).toEqual({ name, healthcheck: true });
  }
  expect(services.api.healthcheck.test.join(' ')).toContain('/readyz');
  expect(services.worker.environment.WORKFLOW_BUNDLE_PATH).toBe('/app/dist/workflows.js');
});

test('compose starts each part only once what it needs is healthy or done', () => {
  expect(services.temporal.depends_on['temporal-schema'].condition).toBe('service_completed_successfully');
  expect(services['temporal-setup'].depends_on.temporal.condition).toBe('service_healthy');
  expect(services.api.depends_on['temporal-setup'].condition).toBe('service_completed_successfully');
  expect(services.worker.depends_on['temporal-setup'].condition).toBe('service_completed_successfully');
  for (const [name, service] of Object.entries(services)) {
    for (const dependency of Object.keys(service.depends_on ?? {})) {
      expect({ name, dependency, exists: dependency in services }).toEqual({ name, dependency, exists: true });
    }
  }
});

test('the setup script creates every search attribute the workflows use', () => {
  const script = readFileSync('deploy/temporal/create-namespace.sh', 'utf8');
  for (const attribute of ALL_SEARCH_ATTRIBUTES) {
    const type = attribute.type === 'INT' ? 'Int' : 'Keyword';
    expect(script).toContain(`${attribute.name}:${type}`);
  }
  const volumes = services['temporal-setup'].volumes.join(' ');
  expect(volumes).toContain('./deploy/temporal:/deploy');
});

test('the Dockerfile passes the lint, is multi-stage, runs as non-root with production dependencies only', () => {
  const problems = validate(dockerfile).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
  expect(problems).toEqual([]);
  expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3);
  expect(dockerfile).toMatch(/npm ci --omit=dev/);
  expect(dockerfile).toMatch(/scripts\/bundle-workflows\.ts dist\/workflows\.js/);
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
  expect(runtime).toMatch(/^USER node$/m);
  expect(runtime).not.toMatch(/npm ci(?! --omit=dev)/);
  expect(runtime).toMatch(/COPY --from=deps .*node_modules/);
});
