import { isAbsent, own, shown, type JsonObject } from '../shared/json-payload.js';
import { fail, ok, type Parsed } from '../shared/parsed.js';
import {
  HISTORY_INDEXES,
  HISTORY_INDEXES_BY_OPTION,
  STANDARD_SUPPLIER_INDEXES,
} from '../shared/teleinfo-labels.js';
import { energyWh, type Counters } from './values.js';

/**
 * Teleinfo (French Linky and older meters) as Tasmota's driver passes it on in its `TIC` object:
 * each label of the meter's last frame, digit-only values as JSON numbers (Wh for the indexes),
 * anything else as a string.
 */

const PARTIAL =
  'a partial frame (EnergyConfig Changed sends only the labels that changed) cannot give the total';

/**
 * The reading of a TIC object. Standard mode: importWh is EAST; `registers` are the EASFxx labels
 * when they add up to EAST (a full frame); EAIT is exportWh. Historique mode: the indexes of the
 * contract in OPTARIF are the registers and importWh is their sum. Apparent power (PAPP, SINSTS, in
 * VA) is not active power and is not read.
 */
export function ticCounters(tic: JsonObject): Parsed<Counters> {
  return isAbsent(own(tic, 'EAST')) ? historique(tic) : standard(tic);
}

function standard(tic: JsonObject): Parsed<Counters> {
  const east = energyWh(own(tic, 'EAST'), 'TIC.EAST', 'Wh');
  if (!east.ok) return east;
  const registers: Record<string, number> = {};
  let sum = 0;
  for (const label of STANDARD_SUPPLIER_INDEXES) {
    const value = own(tic, label);
    if (isAbsent(value)) continue;
    const wh = energyWh(value, `TIC.${label}`, 'Wh');
    if (!wh.ok) return wh;
    registers[label] = wh.value;
    sum += wh.value;
  }
  let exportWh: number | undefined;
  const eait = own(tic, 'EAIT');
  if (!isAbsent(eait)) {
    const wh = energyWh(eait, 'TIC.EAIT', 'Wh');
    if (!wh.ok) return wh;
    exportWh = wh.value;
  }
  // Supplier indexes that do not add up to EAST are a partial frame's: EAST alone is the truth.
  const complete = Object.keys(registers).length > 0 && sum === east.value;
  return ok({ importWh: east.value, exportWh, registers: complete ? registers : undefined });
}

function historique(tic: JsonObject): Parsed<Counters> {
  const present = HISTORY_INDEXES.filter((l) => !isAbsent(own(tic, l)));
  const optarif = own(tic, 'OPTARIF');
  let labels: readonly string[];
  if (isAbsent(optarif)) {
    if (present.length === 0) {
      return fail(
        'no_reading',
        'TIC carries no index (BASE, HCHC/HCHP, EJPHN/EJPHPM, BBRH.., EAST): an alert or a partial frame',
      );
    }
    return fail('no_reading', `TIC has ${present.join(', ')} but no OPTARIF: ${PARTIAL}`);
  }
  if (typeof optarif !== 'string') {
    return fail('invalid_schema', `TIC.OPTARIF must be a string, got ${shown(optarif)}`);
  }
  const contract = optarif.trim();
  const expected = contract.startsWith('BBR')
    ? HISTORY_INDEXES_BY_OPTION.BBR
    : Object.hasOwn(HISTORY_INDEXES_BY_OPTION, contract)
      ? HISTORY_INDEXES_BY_OPTION[contract]
      : undefined;
  if (expected !== undefined) {
    const missing = expected.filter((l) => !present.includes(l));
    if (missing.length > 0) {
      return fail(
        'no_reading',
        `TIC lacks ${missing.join(', ')} of OPTARIF ${shown(contract)}: ${PARTIAL}`,
      );
    }
    labels = expected;
  } else {
    // A contract this format does not know: every index the frame carries.
    if (present.length === 0) {
      return fail('no_reading', `TIC carries no index for OPTARIF ${shown(contract)}`);
    }
    labels = present;
  }
  const registers: Record<string, number> = {};
  let importWh = 0;
  for (const label of labels) {
    const wh = energyWh(own(tic, label), `TIC.${label}`, 'Wh');
    if (!wh.ok) return wh;
    registers[label] = wh.value;
    importWh += wh.value;
  }
  if (!Number.isSafeInteger(importWh)) {
    return fail('invalid_schema', `TIC indexes ${labels.join(', ')} add up beyond a register`);
  }
  return ok({ importWh, registers });
}
