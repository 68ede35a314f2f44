import { powerW, scaledInteger, whToWh } from '../../src/formats/decimal-units.js';
import type { ExpectedReading, SimReading } from '../wire-format.js';
import type { DeviceMessage, DeviceRenderer, RenderContext } from './device-message.js';
import { fixed, pad, roll, whWithFraction } from './render-kit.js';

const JITTER_SALT = 0x5e11;
const VOLTAGE_SALT = 0x5e12;
const EVENTS_RPC = '/events/rpc';

/** The component a meter reads: `source.component`, else a Plus 1PM's only channel. */
function componentOf(ctx: RenderContext): { name: string; id: number } {
  const given = ctx.device.options?.component;
  const name = typeof given === 'string' ? given : 'switch:0';
  const m = /^(switch|pm1):(\d{1,3})$/.exec(name);
  if (m === null)
    throw new RangeError(`the simulator renders switch:N and pm1:N components, not ${name}`);
  return { name, id: Number(m[2]) };
}

/** A counter object as a Switch or PM1 component reports it: Wh with a fraction. */
function energyObject(total: string, watts: number, minuteTs: number): string {
  // The energy of each of the last three whole minutes, in mWh.
  const perMinute = fixed((Math.max(0, watts) * 1000) / 60, 3);
  return `{"by_minute":[${perMinute},${perMinute},${perMinute}],"minute_ts":${minuteTs},"total":${total}}`;
}

/**
 * A Shelly Plus/Pro PM's `NotifyStatus` on `<prefix>/events/rpc`, as in the recorded notifications
 * (test/fixtures/formats/shelly-gen2/1pmg4-events-rpc-switch.json): `params.ts` in seconds with two
 * decimals (the moment the device sent it, a fraction of a second after the reading), the channel's
 * `aenergy.total` in Wh with three decimals, `apower`, and `ret_aenergy` where the device measures
 * energy fed back.
 */
function render(r: SimReading, ctx: RenderContext): DeviceMessage[] {
  const { topic } = ctx.device;
  if (!topic.endsWith(EVENTS_RPC))
    throw new RangeError(`the simulator publishes Shelly notifications on <prefix>${EVENTS_RPC}`);
  const prefix = topic.slice(0, -EVENTS_RPC.length);
  const component = componentOf(ctx);
  const sent = r.ts + 10 * (1 + Math.floor(roll(ctx.seed, JITTER_SALT, ctx.meterId, r.ts) * 98));
  const centis = Math.floor(sent / 10);
  const ts = `${Math.floor(centis / 100)}.${pad(centis % 100)}`;
  const minuteTs = Math.floor(sent / 60_000) * 60;
  const total = whWithFraction(r.importWh, r.exactImportWh);
  const returned =
    r.exportWh === undefined ? undefined : whWithFraction(r.exportWh, r.exactExportWh);
  const apower = fixed(r.powerW, 1);
  const volts = 228 + Math.floor(roll(ctx.seed, VOLTAGE_SALT, ctx.meterId, r.ts) * 60) / 10;
  const status =
    `{"id":${component.id},"aenergy":${energyObject(total, r.powerW, minuteTs)},` +
    `"apower":${apower},"current":${fixed(Math.abs(r.powerW) / volts, 3)},"freq":50.01,` +
    (returned === undefined
      ? ''
      : `"ret_aenergy":${energyObject(returned, -r.powerW, minuteTs)},`) +
    `"voltage":${fixed(volts, 1)}}`;
  const device = prefix.split('/').at(-1)!;
  const payload =
    `{"src":"${device}","dst":"${prefix}/events","method":"NotifyStatus",` +
    `"params":{"ts":${ts},"${component.name}":${status}}}`;
  const reading: ExpectedReading = {
    meterId: r.meterId,
    ts: scaledInteger(ts, 3)!,
    importWh: whToWh(total)!,
    exportWh: returned === undefined ? undefined : whToWh(returned),
    powerW: powerW(apower, 'W')!,
  };
  return [{ topic, payload, outcome: { kind: 'stored', reading, tsSource: 'meter' } }];
}

export const shellyGen2Renderer: DeviceRenderer = {
  render,
  malformed(r, ctx, u) {
    const [message] = render(r, ctx);
    const payload = message!.payload;
    const within = (u * 3) % 1;
    switch (Math.floor(u * 3)) {
      case 0:
        return {
          payload: payload.slice(0, 1 + Math.floor(within * (payload.length - 2))),
          reason: 'invalid_json',
        };
      case 1:
        return {
          payload: payload.replace(/"total":([^}]*)}/, '"total":"$1"}'),
          reason: 'invalid_schema',
        };
      default: {
        // A partial NotifyStatus: the output switched, no energy counter in it.
        const { name } = componentOf(ctx);
        return {
          payload: payload.replace(
            new RegExp(`"${name}":\\{.*\\}\\}\\}$`),
            `"${name}":{"id":${name.split(':')[1]},"output":true,"source":"button"}}}`,
          ),
          reason: 'no_reading',
        };
      }
    }
  },
};
