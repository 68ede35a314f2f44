import type { SimDevice } from './formats/device.js';
import type { HomeProfile } from './load-profile.js';
import { hash32, seededRandom } from './prng.js';
import type { RegisterValues } from './register-model.js';

/** How a meter writes `ts` on the wire; all three are allowed by the MQTT contract. */
export type TimestampFormat = 'rfc3339' | 'rfc3339Offset' | 'epochMs';

/** One simulated meter and the home behind it. */
export interface MeterDefinition {
  readonly meterId: string;
  /** Installation instant (epoch ms), when the fleet was given one. */
  readonly installedAt?: number | undefined;
  readonly profile: HomeProfile;
  /** True for homes with solar panels: their readings carry `exportWh`. */
  readonly solar: boolean;
  /**
   * Register values at the register epoch: the installation day, else REGISTER_EPOCH (old
   * meters do not start at zero).
   */
  readonly initialRegisters: RegisterValues;
  readonly tsFormat: TimestampFormat;
  /**
   * The device format the meter speaks, and where it publishes; absent for the MQTT contract's own
   * format on `meters/{id}/readings`.
   */
  readonly device?: SimDevice | undefined;
}

/** Options of {@link makeFleet}. */
export interface FleetOptions {
  readonly meters: number;
  readonly seed: number;
  /** Prefix of every meter id; default `sim-`. */
  readonly prefix?: string;
  /** Installation instant written on every meter, epoch ms. */
  readonly installedAt?: number;
  /** Local standard time of the homes, minutes from UTC; default 60 (Central European Time). */
  readonly utcOffsetMinutes?: number;
}

/** The MQTT contract's meter id pattern. */
export const METER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Share of homes with solar panels. */
export const SOLAR_SHARE = 0.2;

/**
 * The id of the `index`-th meter (0-based) of a fleet of `total`: `sim-0001`,
 * zero-padded to at least 4 digits.
 */
export function meterIdFor(prefix: string, index: number, total: number): string {
  const width = Math.max(4, String(total).length);
  const id = `${prefix}${String(index + 1).padStart(width, '0')}`;
  if (!METER_ID_PATTERN.test(id))
    throw new RangeError(`meter id ${JSON.stringify(id)} does not match ${METER_ID_PATTERN}`);
  return id;
}

/**
 * Indices of the solar homes: a seeded choice of round(n / 5) homes, so
 * even a small fleet has some.
 */
function solarIndices(n: number, seed: number): Set<number> {
  const rnd = seededRandom(hash32(seed, 0x501a));
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    const a = order[i] ?? i;
    order[i] = order[j] ?? j;
    order[j] = a;
  }
  return new Set(order.slice(0, Math.round(n * SOLAR_SHARE)));
}

function pickFormat(u: number): TimestampFormat {
  if (u < 0.7) return 'rfc3339';
  return u < 0.85 ? 'rfc3339Offset' : 'epochMs';
}

/**
 * A deterministic fleet: the same options give the same meters, profiles and registers.
 * About one home in five has solar panels (3–9 kWp).
 */
export function makeFleet(opts: FleetOptions): MeterDefinition[] {
  const { meters: n, seed, prefix = 'sim-', installedAt, utcOffsetMinutes = 60 } = opts;
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`invalid meter count ${n}`);
  const solar = solarIndices(n, seed);
  return Array.from({ length: n }, (_, i): MeterDefinition => {
    const rnd = seededRandom(hash32(seed, 0xf1ee7, i));
    const isSolar = solar.has(i);
    const profile: HomeProfile = {
      seed: hash32(seed, 0x40e, i),
      baseW: Math.round(rnd.range(90, 240)),
      peakW: Math.round(rnd.range(500, 1600)),
      morningShare: Math.round(rnd.range(0.3, 0.8) * 100) / 100,
      winterBoost: Math.round(rnd.range(0.1, 0.45) * 100) / 100,
      utcOffsetMinutes,
      solarKwp: isSolar ? Math.round(rnd.range(3, 9) * 10) / 10 : 0,
    };
    return {
      meterId: meterIdFor(prefix, i, n),
      installedAt,
      profile,
      solar: isSolar,
      initialRegisters: {
        importWh: rnd.int(0, 30_000_000),
        exportWh: isSolar ? rnd.int(0, 5_000_000) : 0,
      },
      tsFormat: pickFormat(rnd.next()),
    };
  });
}
