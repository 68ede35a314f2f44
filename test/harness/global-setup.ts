import type { TestProject } from 'vitest/node';
import { startInfluxd, type InfluxdHandle } from './influxd.js';
import { startMosquitto, type MosquittoHandle } from './mosquitto.js';
import { haveInfluxd, haveMosquitto } from './services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the shared influxd, or '' when influxd is not installed (suites skip). */
    influxUrl: string;
    /** URL of the shared Mosquitto, or '' when mosquitto is not installed (suites skip). */
    mqttUrl: string;
  }
}

/**
 * One Mosquitto and one influxd for the whole run, started in parallel on free loopback ports.
 * Suites share them through `inject('mqttUrl')` / `inject('influxUrl')` and isolate themselves by
 * topic prefix and database name; suites that stop a service start a private one instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Both checks first: with REQUIRE_SERVICES=1 a missing binary throws here,
  // before anything is running.
  const wantMosquitto = haveMosquitto();
  const wantInfluxd = haveInfluxd();
  const [mosquitto, influxd] = await Promise.allSettled([
    wantMosquitto ? startMosquitto({ persistence: false }) : Promise.resolve(undefined),
    wantInfluxd ? startInfluxd() : Promise.resolve(undefined),
  ]);
  const started = [mosquitto, influxd].flatMap((r) =>
    r.status === 'fulfilled' && r.value ? [r.value] : [],
  ) as (MosquittoHandle | InfluxdHandle)[];
  const teardown = async () => {
    await Promise.all(started.map((s) => s.dispose()));
  };
  // An installed service that fails to start is a broken machine, not a
  // reason to skip: fail the run.
  const failed = [mosquitto, influxd].flatMap((r) =>
    r.status === 'rejected' ? [r.reason as unknown] : [],
  );
  if (failed.length > 0) {
    await teardown();
    throw new AggregateError(
      failed,
      `test services failed to start: ${failed.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`,
    );
  }

  project.provide('mqttUrl', mosquitto.status === 'fulfilled' ? (mosquitto.value?.url ?? '') : '');
  project.provide('influxUrl', influxd.status === 'fulfilled' ? (influxd.value?.url ?? '') : '');
  return teardown;
}
