import { accessSync, constants } from 'node:fs';

/** Debian package paths; override with MOSQUITTO_BIN / INFLUXD_BIN to test other builds. */
export const MOSQUITTO_BIN = process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';
export const INFLUXD_BIN = process.env.INFLUXD_BIN ?? '/usr/bin/influxd';

/** True when integration suites must not be skipped (CI sets REQUIRE_SERVICES=1). */
export const servicesRequired = process.env.REQUIRE_SERVICES === '1';

const checked = new Map<string, boolean>();

/**
 * Is the service binary there? Missing + REQUIRE_SERVICES=1 throws, so CI cannot go green by
 * skipping. Missing otherwise returns false after a loud banner, so suites can
 * `describe.skipIf(!available)` and a developer sees why fewer tests ran.
 */
export function requireBinary(name: string, path: string): boolean {
  const known = checked.get(path);
  if (known !== undefined) return known;
  let ok = true;
  try {
    accessSync(path, constants.X_OK);
  } catch {
    ok = false;
  }
  if (!ok) {
    if (servicesRequired)
      throw new Error(
        `${name} is required (REQUIRE_SERVICES=1) but ${path} is missing or not executable`,
      );
    const bar = '!'.repeat(78);
    console.warn(
      `\n${bar}\n!! ${name} not found at ${path}: its integration tests are SKIPPED.\n!! Install it (Debian: apt-get install ${name}) or set REQUIRE_SERVICES=1 to make this an error.\n${bar}\n`,
    );
  }
  checked.set(path, ok);
  return ok;
}

/** Mosquitto is installed (or REQUIRE_SERVICES=1 made its absence an error). */
export function haveMosquitto(): boolean {
  return requireBinary('mosquitto', MOSQUITTO_BIN);
}

/** influxd (InfluxDB 1.x) is installed (or REQUIRE_SERVICES=1 made its absence an error). */
export function haveInfluxd(): boolean {
  return requireBinary('influxdb', INFLUXD_BIN);
}
