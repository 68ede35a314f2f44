import type { ExpectedReading, SimReading } from '../wire-format.js';
import type { DeviceMessage, DeviceRenderer, RenderContext } from './device-message.js';
import { pad, roll } from './render-kit.js';

const ADCO_SALT = 0x7e1e;

/** teleinfo2mqtt's `{raw, value}`: the label's text, and the number it parsed from digits. */
const label = (raw: string, value: string | number): string =>
  `{"raw":"${raw}","value":${typeof value === 'number' ? value : `"${value}"`}}`;
const digits = (raw: string): string => label(raw, Number(raw));

/**
 * A history-mode ("historique") meter on the base option, read by teleinfo2mqtt and published on
 * `teleinfo/<ADCO>`, as in the bridge's own test frame
 * (test/fixtures/formats/teleinfo/history-base-mqtt-test.json): each label as `{raw, value}`, the
 * index `BASE` in Wh, `PAPP` the apparent power in VA (not active power: wattledger does not read
 * it) and no time at all, so every reading is stored at its time of receipt. A history-mode meter
 * counts no export.
 */
function render(r: SimReading, ctx: RenderContext): DeviceMessage[] {
  const adco = `0${pad(Math.floor(roll(ctx.seed, ADCO_SALT, ctx.meterId, 0) * 1e11), 11)}`;
  // Apparent power in VA, to 10 VA, for a power factor of about 0.9.
  const papp = Math.round(Math.max(0, r.powerW) / 0.9 / 10) * 10;
  const payload =
    `{"ADCO":${digits(adco)},"OPTARIF":${label('BASE', 'BASE')},"ISOUSC":${digits('30')},` +
    `"BASE":${digits(pad(r.importWh, 9))},"PTEC":${label('TH..', 'TH')},` +
    `"IINST":${digits(pad(Math.round(papp / 230), 3))},"IMAX":${digits('090')},` +
    `"PAPP":${digits(pad(papp, 5))},"HHPHC":${label('A', 'A')}}`;
  const reading: ExpectedReading = {
    meterId: r.meterId,
    ts: r.ts,
    importWh: r.importWh,
    registers: { BASE: r.importWh },
  };
  return [
    {
      topic: ctx.device.topic,
      payload,
      outcome: { kind: 'stored', reading, tsSource: 'received' },
    },
  ];
}

export const teleinfoRenderer: DeviceRenderer = {
  render,
  malformed(r, ctx, u) {
    const [message] = render(r, ctx);
    const payload = message!.payload;
    const within = (u * 2) % 1;
    if (u < 0.5)
      return {
        payload: payload.slice(0, 1 + Math.floor(within * (payload.length - 2))),
        reason: 'invalid_json',
      };
    // The bridge's health message on the frame topic: no index in it.
    return {
      payload: '{"state":"up","satistics":{"ok":0,"dispatched":0,"failed":0}}',
      reason: 'no_reading',
    };
  },
};
