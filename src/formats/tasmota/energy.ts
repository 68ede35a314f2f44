import { isAbsent, own, shown, type JsonObject } from '../shared/json-payload.js';
import { fail, ok, type Parsed } from '../shared/parsed.js';
import type { SensorGroup } from './source.js';
import { energySumWh, energyWh, powerSumW, type Counters } from './values.js';

/**
 * Tasmota's own energy counter (`ENERGY`, kWh), as plugs and energy monitors send it. `Total` is
 * the plug's counter, `TotalStartTime` when it was last reset, `Power` the active power per channel
 * (added), `ExportActive` the energy fed back where the driver measures it (per phase, added).
 */
export function energyCounters(energy: JsonObject): Parsed<Counters> {
  const total = own(energy, 'Total');
  if (isAbsent(total)) return fail('no_reading', 'ENERGY has no Total');
  if (Array.isArray(total)) {
    // SetOption129 gives per-phase totals; firmware before 9.x gave [total, tariff 1, tariff 2]:
    // an array cannot be read without guessing which one it is.
    return fail(
      'invalid_schema',
      'ENERGY.Total is an array (per phase under SetOption129 1, or total and tariffs on old ' +
        'firmware): set SetOption129 0 so that Tasmota sends one total',
    );
  }
  const importWh = energyWh(total, 'ENERGY.Total', 'kWh');
  if (!importWh.ok) return importWh;

  let exportWh: number | undefined;
  const exported = own(energy, 'ExportActive');
  if (!isAbsent(exported)) {
    const wh = energySumWh(exported, 'ENERGY.ExportActive', 'kWh');
    if (!wh.ok) return wh;
    exportWh = wh.value;
  }
  const power = optionalPower(own(energy, 'Power'), 'ENERGY.Power');
  if (!power.ok) return power;

  const start = own(energy, 'TotalStartTime');
  if (!isAbsent(start) && (typeof start !== 'string' || start.length > 64)) {
    return fail('invalid_schema', `ENERGY.TotalStartTime must be a time text, got ${shown(start)}`);
  }
  return ok({
    importWh: importWh.value,
    exportWh,
    powerW: power.value,
    counterStart: isAbsent(start) ? undefined : start,
  });
}

/**
 * A sensor group named in `source` (a Smart Meter Interface script's values): the meter's own
 * import and export registers and its active power, under the keys the script gives them.
 */
export function groupCounters(group: JsonObject, sensor: SensorGroup): Parsed<Counters> {
  const imported = own(group, sensor.importField);
  if (isAbsent(imported)) {
    return fail(
      'no_reading',
      `${sensor.name} has no ${sensor.importField}: an update without the import register ` +
        '(a value a script sends at once) or a script whose key differs (source.fields.import)',
    );
  }
  const importWh = energyWh(imported, `${sensor.name}.${sensor.importField}`, sensor.energyUnit);
  if (!importWh.ok) return importWh;

  let exportWh: number | undefined;
  const exported = own(group, sensor.exportField);
  if (!isAbsent(exported)) {
    const wh = energyWh(exported, `${sensor.name}.${sensor.exportField}`, sensor.energyUnit);
    if (!wh.ok) return wh;
    exportWh = wh.value;
  }
  const power = optionalPower(own(group, sensor.powerField), `${sensor.name}.${sensor.powerField}`);
  if (!power.ok) return power;
  return ok({ importWh: importWh.value, exportWh, powerW: power.value });
}

function optionalPower(value: unknown, field: string): Parsed<number | undefined> {
  return isAbsent(value) ? ok(undefined) : powerSumW(value, field);
}
