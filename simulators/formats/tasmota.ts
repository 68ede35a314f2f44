import { kwhToWh, powerW } from '../../src/formats/decimal-units.js';
import type { ExpectedReading, SimReading } from '../wire-format.js';
import type { DeviceMessage, DeviceRenderer, RenderContext } from './device-message.js';
import { fixed, isAmbiguous, kwhText, localIso, pad, roll, wallClock } from './render-kit.js';

/** Share of live messages a plug sends with its clock never set (after a restart without NTP). */
export const UNSYNCED_CLOCK_RATE = 0.02;
const UNSYNCED_SALT = 0x7a51;
const VOLTAGE_SALT = 0x7a52;

/**
 * A Tasmota energy plug's telemetry on `tele/<Topic>/SENSOR`, as in the documented plug message
 * (test/fixtures/formats/tasmota/energy-plug-single-phase.json): `Time` in local time without an
 * offset (Tasmota's default, SetOption52 off), `ENERGY.Total` in kWh with three decimals,
 * `TotalStartTime` when the count began, `Power` in W, and `ExportActive` where the driver measures
 * energy fed back. Two quirks: a clock never set stamps `1970-01-01T…` (the uptime), and a local time
 * inside the hour repeated in autumn names two instants; either way wattledger stores the reading
 * at its time of receipt.
 */
function render(r: SimReading, ctx: RenderContext): DeviceMessage[] {
  const zone = ctx.device.timezone;
  const wall = wallClock(r.ts, zone);
  const unsynced =
    ctx.device.quirks !== false &&
    ctx.fresh &&
    roll(ctx.seed, UNSYNCED_SALT, ctx.meterId, r.ts) < UNSYNCED_CLOCK_RATE;
  const ambiguous = !unsynced && isAmbiguous(wall, zone);
  const time = unsynced ? uptimeTime(r, ctx) : localIso(wall);
  const total = kwhText(r.importWh, 3);
  const exported = r.exportWh === undefined ? undefined : kwhText(r.exportWh, 3);
  const power = fixed(r.powerW, 2);
  const volts = 225 + Math.floor(roll(ctx.seed, VOLTAGE_SALT, ctx.meterId, r.ts) * 100) / 10;
  const payload =
    `{"Time":"${time}","ENERGY":{"TotalStartTime":"${localIso(wallClock(ctx.installedAt, zone))}",` +
    `"Total":${total},${exported === undefined ? '' : `"ExportActive":${exported},`}` +
    `"Power":${power},"Voltage":${fixed(volts, 1)},"Current":${fixed(Math.abs(r.powerW) / volts, 3)}}}`;
  const reading: ExpectedReading = {
    meterId: r.meterId,
    ts: Math.floor(r.ts / 1000) * 1000,
    importWh: kwhToWh(total)!,
    exportWh: exported === undefined ? undefined : kwhToWh(exported),
    powerW: powerW(power, 'W')!,
  };
  return [
    {
      topic: ctx.device.topic,
      payload,
      outcome: { kind: 'stored', reading, tsSource: unsynced || ambiguous ? 'received' : 'meter' },
      quirk: unsynced ? 'unsyncedClock' : ambiguous ? 'ambiguousLocalTime' : undefined,
    },
  ];
}

/** What a clock never set shows: 1970-01-01 plus the time since the plug booted (under an hour). */
function uptimeTime(r: SimReading, ctx: RenderContext): string {
  const up = 60 + Math.floor(roll(ctx.seed, UNSYNCED_SALT + 1, ctx.meterId, r.ts) * 3540);
  return `1970-01-01T00:${pad(Math.floor(up / 60))}:${pad(up % 60)}`;
}

export const tasmotaRenderer: DeviceRenderer = {
  render,
  malformed(r, ctx, u) {
    const [message] = render(r, { ...ctx, fresh: false });
    const payload = message!.payload;
    const within = (u * 3) % 1;
    switch (Math.floor(u * 3)) {
      case 0:
        // A strict prefix of an object's JSON never parses: at least its closing brace is missing.
        return {
          payload: payload.slice(0, 1 + Math.floor(within * (payload.length - 2))),
          reason: 'invalid_json',
        };
      case 1:
        return {
          payload: payload.replace(/"Total":([^,]*),/, '"Total":"$1 kWh",'),
          reason: 'invalid_schema',
        };
      default:
        // An ENERGY object without its counter, as a driver sends before its first measurement.
        return { payload: payload.replace(/"Total":[^,]*,/, ''), reason: 'no_reading' };
    }
  },
};
