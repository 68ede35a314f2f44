import { kwhToWh } from '../../src/formats/decimal-units.js';
import type { ExpectedReading, SimReading } from '../wire-format.js';
import type { DeviceMessage, DeviceRenderer, RenderContext } from './device-message.js';
import { kwhText, localIso, meterRoll, offsetText, roll, wallClock } from './render-kit.js';

/** Share of readings after which the bridge publishes the same state again. */
export const REPEAT_RATE = 0.1;
/** Share of readings before which the bridge publishes a state whose energy is still null. */
export const ENERGY_NULL_RATE = 0.02;
const LAST_SEEN_SALT = 0x2b61;
const REPEAT_SALT = 0x2b62;
const NULL_SALT = 0x2b63;
const LINK_SALT = 0x2b64;

/** zigbee2mqtt's `advanced.last_seen` setting, which decides how (and whether) it writes the time. */
export type LastSeen = 'ISO_8601' | 'ISO_8601_local' | 'epoch' | 'disable';

/**
 * The bridge's `last_seen` setting for a meter: a choice per meter among the four; without quirks
 * never `disable`, so that every reading carries its time.
 */
export function lastSeenOf(ctx: Pick<RenderContext, 'seed' | 'meterId' | 'device'>): LastSeen {
  const u = meterRoll(ctx.seed, LAST_SEEN_SALT, ctx.meterId);
  if (u < 0.45) return 'ISO_8601';
  if (u < 0.7) return 'ISO_8601_local';
  if (u < 0.9 || ctx.device.quirks === false) return 'epoch';
  return 'disable';
}

function lastSeenText(ts: number, setting: LastSeen, zone: string): string | undefined {
  switch (setting) {
    case 'ISO_8601':
      return `"${new Date(ts).toISOString()}"`;
    case 'ISO_8601_local': {
      const w = wallClock(ts, zone);
      return `"${localIso(w)}${offsetText(w.offsetMinutes)}"`;
    }
    case 'epoch':
      return String(ts);
    case 'disable':
      return undefined;
  }
}

/**
 * A metering smart plug's state as zigbee2mqtt publishes it on `<base_topic>/<friendly_name>`, as
 * in the logged states of the fixtures (test/fixtures/formats/zigbee2mqtt/): `energy` in kWh to the
 * plug's two decimals (10 Wh steps), `power` in whole W, `last_seen` as the bridge is set up, or
 * none. Two quirks: the same state published again (one reading), and a state whose `energy` is
 * still null (a `no_reading` rejection).
 */
function render(r: SimReading, ctx: RenderContext): DeviceMessage[] {
  const setting = lastSeenOf(ctx);
  const seen = lastSeenText(r.ts, setting, ctx.device.timezone);
  const energy = kwhText(Math.floor(r.importWh / 10) * 10, 2);
  const watts = Math.max(0, Math.round(r.powerW));
  const volts = 220 + Math.floor(roll(ctx.seed, LINK_SALT + 1, ctx.meterId, r.ts) * 21);
  const link = 30 + Math.floor(roll(ctx.seed, LINK_SALT, ctx.meterId, r.ts) * 190);
  const state = (energyJson: string, linkquality: number) =>
    `{"current":${Math.round((watts / volts) * 100) / 100},"energy":${energyJson},` +
    `${seen === undefined ? '' : `"last_seen":${seen},`}"linkquality":${linkquality},` +
    `"power":${watts},"power_on_behavior":"off","state":"ON","voltage":${volts}}`;
  const reading: ExpectedReading = {
    meterId: r.meterId,
    ts: setting === 'ISO_8601_local' ? Math.floor(r.ts / 1000) * 1000 : r.ts,
    importWh: kwhToWh(energy)!,
    powerW: watts,
  };
  const tsSource = setting === 'disable' ? 'received' : 'meter';
  const quirks = ctx.device.quirks !== false;
  const topic = ctx.device.topic;
  const out: DeviceMessage[] = [];
  if (quirks && roll(ctx.seed, NULL_SALT, ctx.meterId, r.ts) < ENERGY_NULL_RATE)
    out.push({
      topic,
      payload: state('null', link),
      outcome: { kind: 'rejected', reason: 'no_reading' },
      quirk: 'energyNull',
    });
  // zigbee2mqtt writes JSON numbers: `73.75`, `0.5`, `1066`, never trailing zeros.
  const energyJson = String(Number(energy));
  out.push({
    topic,
    payload: state(energyJson, link),
    outcome: { kind: 'stored', reading, tsSource },
  });
  if (quirks && roll(ctx.seed, REPEAT_SALT, ctx.meterId, r.ts) < REPEAT_RATE)
    out.push({
      topic,
      payload: state(energyJson, Math.max(1, link - 3)),
      outcome: { kind: 'stored', reading, tsSource },
      quirk: 'repeatedState',
    });
  return out;
}

export const zigbee2mqttRenderer: DeviceRenderer = {
  render,
  malformed(r, ctx, u) {
    const payload = render(r, ctx).find((m) => m.outcome.kind === 'stored')!.payload;
    const within = (u * 2) % 1;
    if (u < 0.5)
      return {
        payload: payload.slice(0, 1 + Math.floor(within * (payload.length - 2))),
        reason: 'invalid_json',
      };
    return {
      payload: payload.replace(/"energy":([^,]*),/, '"energy":"$1 kWh",'),
      reason: 'invalid_schema',
    };
  },
};
