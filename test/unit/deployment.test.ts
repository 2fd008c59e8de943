import { readFileSync } from 'node:fs';
import { validate } from 'dockerfile-utils';
import { parse } from 'yaml';
import { ALL_SEARCH_ATTRIBUTES, cliTypeName } from '../../workflows/search-attributes.js';

// No Docker engine runs here: the compose file and the Dockerfile are checked statically.
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true });
const dockerfile = readFileSync('Dockerfile', 'utf8');
const services = compose.services as Record<string, any>;

const versions = Object.fromEntries(
  readFileSync('deploy/temporal/versions.env', 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => line.split('=', 2) as [string, string]),
);
const TEMPORAL_SERVICES = { temporal: 'frontend', 'temporal-history': 'history', 'temporal-matching': 'matching' };

test('compose has the four Temporal services on PostgreSQL, their setup, the UI, the API, the worker and a sandbox', () => {
  expect(Object.keys(services).sort()).toEqual(
    [
      'api',
      'postgresql',
      'sandbox',
      'temporal',
      'temporal-history',
      'temporal-matching',
      'temporal-worker',
      'temporal-schema',
      'temporal-setup',
      'temporal-ui',
      'worker',
    ].sort(),
  );
  expect(services.temporal.environment.DB).toBe('postgres12');
  expect(services.sandbox.profiles).toEqual(['sandbox']);
  for (const name of ['api', 'worker', 'temporal', 'temporal-history', 'temporal-ui', 'postgresql', 'sandbox']) {
    expect({ name, healthcheck: Array.isArray(services[name].healthcheck?.test) }).toEqual({ name, healthcheck: true });
  }
  expect(services.api.healthcheck.test.join(' ')).toContain('/readyz');
  expect(services.worker.environment.WORKFLOW_BUNDLE_PATH).toBe('/app/dist/workflows.js');
});

test("compose's images are the versions `npm run cluster` builds (deploy/temporal/versions.env)", () => {
  const server = versions.TEMPORAL_SERVER_VERSION;
  for (const name of [...Object.keys(TEMPORAL_SERVICES), 'temporal-worker']) {
    expect({ name, image: services[name].image }).toEqual({ name, image: `temporalio/server:${server}` });
  }
  expect(services['temporal-schema'].image).toBe(`temporalio/admin-tools:${server}`);
  expect(services['temporal-setup'].image).toBe(`temporalio/admin-tools:${server}`);
  expect(services['temporal-ui'].image).toBe(`temporalio/ui:${versions.TEMPORAL_UI_SERVER_VERSION}`);
});

test('compose runs each Temporal service from the config template, dynamic config and UI config of the cluster', () => {
  for (const [name, service] of Object.entries({ ...TEMPORAL_SERVICES, 'temporal-worker': 'worker' })) {
    const command = services[name].entrypoint.join(' ');
    expect({ name, command }).toEqual({
      name,
      command: expect.stringContaining(
        `--config-file /deploy/config/temporal.yaml --allow-no-auth start --service ${service}`,
      ),
    });
    expect(services[name].volumes).toContain('./deploy/temporal:/deploy:ro');
    expect(services[name].environment.DYNAMIC_CONFIG_FILE_PATH).toBe('/deploy/dynamicconfig/production-sql.yaml');
  }
  // History first: the first service on a fresh database writes the cluster metadata.
  for (const name of ['temporal', 'temporal-matching', 'temporal-worker']) {
    expect(services[name].depends_on['temporal-history'].condition).toBe('service_healthy');
  }
  expect(services['temporal-ui'].volumes).toEqual([
    './deploy/temporal/ui-server.yaml:/home/ui-server/config/docker.yaml:ro',
  ]);
  expect(readFileSync('deploy/temporal/config/temporal.yaml', 'utf8')).toMatch(/^# enable-template$/m);
});

test('compose starts each part only once what it needs is healthy or done', () => {
  expect(services['temporal-history'].depends_on['temporal-schema'].condition).toBe('service_completed_successfully');
  expect(services['temporal-setup'].depends_on.temporal.condition).toBe('service_healthy');
  expect(services.api.depends_on['temporal-setup'].condition).toBe('service_completed_successfully');
  expect(services.worker.depends_on['temporal-setup'].condition).toBe('service_completed_successfully');
  for (const [name, service] of Object.entries(services)) {
    for (const dependency of Object.keys(service.depends_on ?? {})) {
      expect({ name, dependency, exists: dependency in services }).toEqual({ name, dependency, exists: true });
    }
  }
});

test("the setup script's default list is exactly the workflows' search attributes", () => {
  const script = readFileSync('deploy/temporal/create-namespace.sh', 'utf8');
  const defaults = script.match(/SEARCH_ATTRIBUTES:-([^}]*)\}/)?.[1]?.split(' ');
  const expected = ALL_SEARCH_ATTRIBUTES.map((a) => `${a.name}:${cliTypeName(a)}`);
  expect(defaults?.sort()).toEqual(expected.sort());
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
