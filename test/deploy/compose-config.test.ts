import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { startCommand } from '../../bench/node-runtime.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.DOCKER_COMPOSE_BIN ?? '/usr/bin/docker-compose';
const present = existsSync(BIN);
if (!present && process.env.REQUIRE_SERVICES === '1')
  throw new Error(
    `docker-compose is required (REQUIRE_SERVICES=1) but ${BIN} is missing: apt-get install docker-compose`,
  );

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: (string | { source: string; target: string })[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  user?: string;
}

function compose(
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // No Docker engine is needed to validate: `config` only reads and resolves the file.
    execFile(
      BIN,
      ['-f', 'docker-compose.yml', ...args],
      { cwd: ROOT, env: { ...process.env, COMPOSE_PROJECT_NAME: 'wattledger' } },
      (err, stdout, stderr) =>
        resolve({
          code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1,
          stdout,
          stderr,
        }),
    );
  });
}

describe.skipIf(!present)('docker-compose.yml', () => {
  let services: Record<string, Service>;
  beforeAll(async () => {
    const out = await compose(['config']);
    expect(out.code, out.stderr).toBe(0);
    // Debian's docker-compose is Python with PyYAML: the same parser turns its
    // resolved output into JSON.
    const json = execFileSync(
      'python3',
      ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'],
      { input: out.stdout },
    );
    services = (JSON.parse(json.toString()) as { services: Record<string, Service> }).services;
  });
  const svc = (name: string): Service => {
    const s = services[name];
    if (s === undefined) throw new Error(`no service ${name}`);
    return s;
  };
  const mounts = (name: string) =>
    (svc(name).volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));

  it('passes `docker-compose config -q`', async () => {
    const out = await compose(['config', '-q']);
    expect(out.code, out.stderr).toBe(0);
  });

  it('runs the broker, the stores, Grafana and wattledger in its roles', () => {
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'broker-auth',
      'grafana',
      'influxdb',
      'ingest-1',
      'ingest-2',
      'jobs',
      'mosquitto',
      'postgres',
      'prometheus',
      'simulator',
    ]);
    expect(svc('postgres').image).toBe('postgres:16');
    expect(svc('mosquitto').image).toBe('eclipse-mosquitto:2');
    expect(svc('api').command).toEqual(['serve', '--role', 'api']);
    expect(svc('jobs').command).toEqual(['serve', '--role', 'jobs']);
    expect(svc('simulator').command?.[0]).toBe('simulate');
  });

  it('two ingest replicas share one subscription, each with its own session and spool', () => {
    const [a, b] = [svc('ingest-1'), svc('ingest-2')];
    for (const s of [a, b]) {
      expect(s.command).toEqual(['serve', '--role', 'ingest']);
      expect(s.environment).toMatchObject({
        MQTT_SHARE_GROUP: 'wattledger',
        MQTT_URL: 'mqtt://mosquitto:1883',
        INFLUX_URL: 'http://influxdb:8086',
        INFLUX_DB: 'energy',
      });
      expect(s.depends_on?.mosquitto?.condition).toBe('service_healthy');
    }
    expect(a.environment?.MQTT_CLIENT_ID).not.toBe(b.environment?.MQTT_CLIENT_ID);
    expect(mounts('ingest-1')[0]?.split(':')[0]).not.toBe(mounts('ingest-2')[0]?.split(':')[0]);
  });

  it('the broker refuses anonymous clients, with files broker-auth generates before it starts', () => {
    const conf = readFileSync(path.join(ROOT, 'deploy/mosquitto/mosquitto.conf'), 'utf8');
    expect(conf).toMatch(/^allow_anonymous false$/m);
    expect(conf).toMatch(/^persistence true$/m);
    expect(conf).toMatch(/^password_file \/mosquitto\/auth\/passwd$/m);
    expect(conf).toMatch(/^acl_file \/mosquitto\/auth\/acl$/m);
    expect(svc('mosquitto').depends_on?.['broker-auth']?.condition).toBe(
      'service_completed_successfully',
    );
    expect(svc('broker-auth').command?.slice(0, 3)).toEqual([
      'broker-auth',
      '--out-dir',
      '/var/lib/wattledger-auth',
    ]);
    expect(mounts('mosquitto').some((m) => m.endsWith(':/mosquitto/auth:ro'))).toBe(true);
    expect(
      mounts('mosquitto').some((m) =>
        m.endsWith('/deploy/mosquitto/mosquitto.conf:/mosquitto/config/mosquitto.conf:ro'),
      ),
    ).toBe(true);
  });

  it('Grafana gets the provisioned dashboards, and the files the stack mounts exist', () => {
    expect(mounts('grafana')).toEqual(
      expect.arrayContaining([
        `${ROOT}/dashboards/grafana/provisioning:/etc/grafana/provisioning:ro`,
        `${ROOT}/dashboards/grafana/dashboards:/var/lib/grafana/dashboards/wattledger:ro`,
      ]),
    );
    for (const f of [
      'Dockerfile',
      '.dockerignore',
      'deploy/mosquitto/mosquitto.conf',
      'deploy/prometheus/prometheus.yml',
    ])
      expect(existsSync(path.join(ROOT, f)), f).toBe(true);
  });

  it("every wattledger role inherits the image's memory settings, those of `npm start`", () => {
    const { env, nodeArgs } = startCommand();
    const docker = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(docker).toContain(`NODE_OPTIONS="${nodeArgs.join(' ')}"`);
    for (const [name, value] of Object.entries(env)) expect(docker).toContain(`${name}=${value}`);
    const roles = Object.entries(services).filter(([, s]) => s.image === 'wattledger:local');
    expect(roles.map(([name]) => name)).toEqual(
      expect.arrayContaining(['api', 'ingest-1', 'ingest-2', 'jobs']),
    );
    // A service that set one of them would run with other settings than the ones measured, but
    // the jobs, which run with `npm run start:jobs`'s flags.
    for (const [name, s] of roles)
      for (const key of ['NODE_OPTIONS', ...Object.keys(env)])
        if (name !== 'jobs' || key !== 'NODE_OPTIONS')
          expect(s.environment?.[key], `${name} ${key}`).toBeUndefined();
    const jobs = startCommand('start:jobs');
    expect(jobs.env).toEqual(env);
    expect(services.jobs?.environment?.NODE_OPTIONS).toBe(jobs.nodeArgs.join(' '));
  });

  it('the image is multi-stage, runs as a non-root user, checks its health and enters the CLI', () => {
    const docker = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(docker.match(/^FROM /gm)).toHaveLength(2);
    expect(docker).toMatch(/^USER node$/m);
    expect(docker).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    expect(docker).toMatch(/^ENTRYPOINT \["node", "dist\/src\/cli\.js"\]$/m);
  });
});
