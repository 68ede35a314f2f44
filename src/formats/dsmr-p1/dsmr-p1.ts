import { z } from 'zod';
import type { Decimal } from 'decimal.js';
import {
  readingsOf,
  rejectWith,
  type DeviceFormat,
  type DeviceReading,
  type FormatInput,
  type FormatResult,
} from '../device-format.js';
import { checkDsmrTopic, dsmrDeviceTopics } from './dsmr-topic.js';
import { readObisLines } from './obis-lines.js';
import { readFrame } from './telegram-frame.js';
import { telegramTime } from './telegram-time.js';
import { powerValue, registersOf, sumOf, wholeWatts } from './telegram-values.js';

/** dsmr-p1 has no options besides `topic` and `login`: the telegram says everything. */
export const dsmrP1SourceSchema = z.strictObject({});

export type DsmrP1Source = z.infer<typeof dsmrP1SourceSchema>;

/**
 * A raw DSMR P1 telegram (2.2 to 5.0, Belgian e-MUCS and Luxembourg Smarty variants) as dsmr-reader
 * or a P1-to-MQTT bridge publishes it. See docs/formats/dsmr-p1.md.
 */
export const dsmrP1Format: DeviceFormat<DsmrP1Source> = {
  name: 'dsmr-p1',
  sourceSchema: dsmrP1SourceSchema,
  checkTopic: checkDsmrTopic,
  deviceTopics: dsmrDeviceTopics,
  parse: parseTelegram,
};

function parseTelegram(input: FormatInput<DsmrP1Source>): FormatResult {
  const framed = readFrame(input.payload);
  if (!framed.ok) return framed;
  const obis = readObisLines(framed.value.body);
  if (!obis.ok) return rejectWith('invalid_schema', obis.detail);
  const { imports, exports, powerIn, powerOut, time } = obis.values;

  const registers = registersOf(imports);
  if (!registers.ok) return rejectWith('invalid_schema', registers.detail);
  if (registers.value === undefined) {
    return rejectWith('no_reading', 'telegram carries no import register 1-0:1.8.x');
  }
  const importWh = sumOf(registers.value);
  if (importWh === undefined)
    return rejectWith('invalid_schema', '1-0:1.8.x: the sum is too large');

  const exportRegisters = registersOf(exports);
  if (!exportRegisters.ok) return rejectWith('invalid_schema', exportRegisters.detail);
  const exportWh = exportRegisters.value === undefined ? undefined : sumOf(exportRegisters.value);
  if (exportRegisters.value !== undefined && exportWh === undefined) {
    return rejectWith('invalid_schema', '1-0:2.8.x: the sum is too large');
  }

  const power = netPower(powerIn, powerOut);
  if (!power.ok) return rejectWith('invalid_schema', power.detail);

  const when = telegramTime(time, input.meter.timezone, input.receivedAt);
  if (!when.ok) return when;

  // Field by field: adding fields to a spread object is V8's slow path, microseconds a telegram.
  const reading: DeviceReading = {
    ts: when.value.ts,
    tsSource: when.value.tsSource,
    importWh,
    exportWh,
    powerW: power.value,
    registers: registers.value,
  };
  return readingsOf([reading]);
}

/**
 * Net active power in W: `1-0:1.7.0` (drawn from the grid) minus `1-0:2.7.0` (fed into it), so a
 * meter exporting reads negative; undefined when the telegram has neither line.
 */
function netPower(
  inText: string | undefined,
  outText: string | undefined,
): { ok: true; value: number | undefined } | { ok: false; detail: string } {
  // Whole watts on both lines (nearly every meter): their difference is exact without a Decimal.
  const inW = inText === undefined ? 0 : wholeWatts(inText);
  const outW = outText === undefined ? 0 : wholeWatts(outText);
  if (inW !== undefined && outW !== undefined && (inText ?? outText) !== undefined)
    return { ok: true, value: inW - outW + 0 };
  let net: Decimal | undefined;
  if (inText !== undefined) {
    const p = powerValue('1-0:1.7.0', inText);
    if (!p.ok) return p;
    net = p.value;
  }
  if (outText !== undefined) {
    const p = powerValue('1-0:2.7.0', outText);
    if (!p.ok) return p;
    net = net === undefined ? p.value.negated() : net.minus(p.value);
  }
  if (net === undefined) return { ok: true, value: undefined };
  // `+ 0` turns the -0 of "0 W in, 0 W out" into 0.
  const w = net.toNumber() + 0;
  if (!Number.isFinite(w)) return { ok: false, detail: '1-0:1.7.0: the power is out of range' };
  return { ok: true, value: w };
}
