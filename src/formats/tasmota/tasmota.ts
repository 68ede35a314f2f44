import {
  readingsOf,
  type DeviceFormat,
  type FormatInput,
  type FormatResult,
} from '../device-format.js';
import { energyCounters, groupCounters } from './energy.js';
import {
  resolveSource,
  tasmotaSourceSchema,
  type SensorGroup,
  type TasmotaSource,
} from './source.js';
import { ticCounters } from './tic.js';
import { readingTime } from './time.js';
import { checkTasmotaTopic, tasmotaDeviceTopics } from './topic.js';
import {
  isAbsent,
  isObject,
  jsonObjectPayload,
  keysShown,
  own,
  shown,
  type JsonObject,
} from '../shared/json-payload.js';
import { fail, type Parsed } from '../shared/parsed.js';
import type { Counters } from './values.js';

export type { TasmotaSource } from './source.js';

/**
 * Where a SENSOR message's registers come from, in this order: the Teleinfo driver's `TIC` object
 * (the meter's own indexes), else the group named by `source.sensor` (an SML script), else
 * Tasmota's `ENERGY` counter. A message is read from one source only, never a mix: a plug's
 * software counter and a meter's index are different registers.
 */
function countersOf(body: JsonObject, sensor: SensorGroup | undefined): Parsed<Counters> {
  const tic = own(body, 'TIC');
  if (tic !== undefined) {
    if (tic === null) return fail('no_reading', 'TIC is null');
    if (!isObject(tic)) return fail('invalid_schema', `TIC must be an object, got ${shown(tic)}`);
    return ticCounters(tic);
  }
  if (sensor !== undefined) {
    const group = own(body, sensor.name);
    if (isAbsent(group)) {
      return fail(
        'no_reading',
        `no ${shown(sensor.name)} group (source.sensor) in this message: ${keysOf(body)}`,
      );
    }
    if (!isObject(group)) {
      return fail('invalid_schema', `${sensor.name} must be an object, got ${shown(group)}`);
    }
    return groupCounters(group, sensor);
  }
  const energy = own(body, 'ENERGY');
  if (energy === null) return fail('no_reading', 'ENERGY is null');
  if (energy === undefined) {
    return fail('no_reading', `no TIC or ENERGY object (nor source.sensor set): ${keysOf(body)}`);
  }
  if (!isObject(energy))
    return fail('invalid_schema', `ENERGY must be an object, got ${shown(energy)}`);
  return energyCounters(energy);
}

/** What a message without registers did carry, for the rejection detail. */
const keysOf = (body: JsonObject): string => `keys ${keysShown(body, 6)}`;

function parse({ payload, meter, receivedAt }: FormatInput<TasmotaSource>): FormatResult {
  const sensor = resolveSource(meter.source);
  if (!sensor.ok) return sensor;
  const body = jsonObjectPayload(payload, 'a Tasmota SENSOR message');
  if (!body.ok) return body;
  const counters = countersOf(body.value, sensor.value);
  if (!counters.ok) return counters;
  const time = readingTime(body.value, meter.timezone, receivedAt);
  if (!time.ok) return time;
  const c = counters.value;
  return readingsOf([
    {
      ts: time.value.ts,
      tsSource: time.value.tsSource,
      importWh: c.importWh,
      exportWh: c.exportWh,
      powerW: c.powerW,
      registers: c.registers,
      counterStart: c.counterStart,
    },
  ]);
}

/**
 * Tasmota's telemetry (`tele/<topic>/SENSOR` under the default FullTopic): Teleinfo meters through
 * the TIC object, SML meters through a script's group, plugs through ENERGY. docs/formats/tasmota.md.
 */
export const tasmotaFormat: DeviceFormat<TasmotaSource> = {
  name: 'tasmota',
  sourceSchema: tasmotaSourceSchema,
  checkTopic: checkTasmotaTopic,
  deviceTopics: tasmotaDeviceTopics,
  parse,
};
