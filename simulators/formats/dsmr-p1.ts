import { crc16Arc, crcText } from '../../src/formats/dsmr-p1/crc16.js';
import type { ExpectedReading, SimReading } from '../wire-format.js';
import type { DeviceMessage, DeviceRenderer, RenderContext } from './device-message.js';
import { kwhText, pad, roll, wallClock } from './render-kit.js';

const NAME_SALT = 0xd5e1;

/** Power in W as the telegram's `kW` with three decimals (`01.193*kW`). */
const kw = (w: number): string => `${pad(Math.floor(w / 1000))}.${pad(w % 1000, 3)}*kW`;

/** The meter's clock as `YYMMDDhhmmssX`: local time, X = S (summer) or W (winter). */
function clockText(ts: number, zone: string): string {
  const w = wallClock(ts, zone);
  return (
    `${pad(w.year % 100)}${pad(w.month)}${pad(w.day)}${pad(w.hour)}${pad(w.minute)}` +
    `${pad(w.second)}${w.summer ? 'S' : 'W'}`
  );
}

/** The telegram's lines from `/` to the data before `!`, CRLF-terminated as the meter writes them. */
function telegramBody(r: SimReading, ctx: RenderContext): string {
  const name = [1, 2, 3, 4]
    .map((k) => pad(Math.floor(roll(ctx.seed, NAME_SALT + k, ctx.meterId, 0) * 1e8), 8))
    .join('');
  const watts = Math.round(Math.abs(r.powerW));
  const lines = [
    '/Lux5\\ABCDEFG123_D',
    '',
    '1-3:0.2.8(42)',
    `0-0:1.0.0(${clockText(r.ts, ctx.device.timezone)})`,
    `0-0:42.0.0(${name})`,
    `1-0:1.8.0(${kwhText(r.importWh, 3, 6)}*kWh)`,
    `1-0:2.8.0(${kwhText(r.exportWh ?? 0, 3, 6)}*kWh)`,
    `1-0:1.7.0(${kw(r.powerW >= 0 ? watts : 0)})`,
    `1-0:2.7.0(${kw(r.powerW < 0 ? watts : 0)})`,
    '0-0:17.0.0(27.600*kVA)',
    '0-0:96.3.10(1)',
    '0-0:96.13.0()',
  ];
  return `${lines.join('\r\n')}\r\n!`;
}

/** The telegram with its CRC16 over the bytes from `/` to `!`, as a DSMR 5 meter ends it. */
function withCrc(body: string): string {
  return `${body}${crcText(crc16Arc(Buffer.from(body, 'latin1')))}\r\n`;
}

/**
 * A raw DSMR 5 telegram as a P1 bridge or dsmr-reader publishes it, modelled on the Luxembourg
 * Smarty telegram of the fixtures (test/fixtures/formats/dsmr-p1/luxembourg-smarty.txt): the total
 * registers `1.8.0` and `2.8.0` in kWh with three decimals, power drawn and fed in (`1.7.0`,
 * `2.7.0`) in kW, the clock `0-0:1.0.0` in local time with its S/W flag (which tells the two
 * passes of the repeated autumn hour apart), CRLF line ends and the CRC16 after `!`.
 */
function render(r: SimReading, ctx: RenderContext): DeviceMessage[] {
  const watts = Math.round(Math.abs(r.powerW));
  const reading: ExpectedReading = {
    meterId: r.meterId,
    ts: Math.floor(r.ts / 1000) * 1000,
    importWh: r.importWh,
    exportWh: r.exportWh ?? 0,
    powerW: watts === 0 ? 0 : r.powerW < 0 ? -watts : watts,
    registers: { '1.8.0': r.importWh },
  };
  return [
    {
      topic: ctx.device.topic,
      payload: withCrc(telegramBody(r, ctx)),
      outcome: { kind: 'stored', reading, tsSource: 'meter' },
    },
  ];
}

export const dsmrP1Renderer: DeviceRenderer = {
  render,
  malformed(r, ctx, u) {
    const body = telegramBody(r, ctx);
    if (u < 0.5) {
      // One digit of the import register changed on the serial line: the CRC no longer matches.
      // The register is `dddddd.ddd`: one of its nine digits, never the point.
      const offset = [0, 1, 2, 3, 4, 5, 7, 8, 9][Math.floor(u * 2 * 9)]!;
      const at = body.indexOf('1-0:1.8.0(') + 10 + offset;
      const digit = (Number(body[at]) + 1) % 10;
      const crc = crcText(crc16Arc(Buffer.from(body, 'latin1')));
      return {
        payload: `${body.slice(0, at)}${digit}${body.slice(at + 1)}${crc}\r\n`,
        reason: 'invalid_checksum',
      };
    }
    // Cut short before its end mark, as a bridge that lost the serial line sends it.
    return { payload: body.slice(0, body.indexOf('1-0:1.7.0')), reason: 'invalid_schema' };
  },
};
