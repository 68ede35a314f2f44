import { registerWh } from '../decimal-units.js';
import type { FormatRejection } from '../device-format.js';
import { isObject, keysShown, own, shown } from '../shared/json-payload.js';
import {
  HISTORY_INDEXES,
  STANDARD_EXPORT,
  STANDARD_SUPPLIER_INDEXES,
  STANDARD_TOTAL,
} from '../shared/teleinfo-labels.js';

/** The registers of one frame, or why they cannot be read. */
export type FrameRegisters =
  | {
      readonly ok: true;
      readonly importWh: number;
      readonly exportWh?: number;
      readonly registers?: Readonly<Record<string, number>>;
    }
  | ({ readonly ok: false } & FormatRejection);

type LabelRead =
  | { readonly present: false }
  | { readonly present: true; readonly wh: number }
  | { readonly present: true; readonly problem: string };

/**
 * One label's index. teleinfo2mqtt publishes `{raw: "009058688", value: 9058688}`: `value` is the
 * number it parsed from `raw`, so `value` is read and `raw` only when `value` is missing or empty.
 * A label set to null is treated as absent.
 */
function readLabel(frame: object, label: string): LabelRead {
  const entry = own(frame, label);
  if (entry === undefined || entry === null) return { present: false };
  if (!isObject(entry)) {
    return {
      present: true,
      problem: `${label} must be an object {raw, value}, got ${shown(entry)}`,
    };
  }
  let value = own(entry, 'value');
  if (value === undefined || value === null || value === '') value = own(entry, 'raw');
  const wh = registerWh(value, 'Wh');
  return wh === undefined
    ? {
        present: true,
        problem: `${label}.value must be a non-negative decimal index in Wh, got ${shown(value)}`,
      }
    : { present: true, wh };
}

/** The indexes of `labels` present in the frame, by label, or the first problem. */
function readLabels(
  frame: object,
  labels: readonly string[],
): { registers: Record<string, number> } | { problem: string } {
  const registers: Record<string, number> = {};
  for (const label of labels) {
    const read = readLabel(frame, label);
    if (!read.present) continue;
    if ('problem' in read) return { problem: read.problem };
    registers[label] = read.wh;
  }
  return { registers };
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/**
 * The frame's registers. History mode: `registers` holds the index labels present and `importWh`
 * is their sum. Standard mode: `importWh` is EAST (the meter's own total; the sum of the supplier
 * registers EASF01–EASF10 when EAST is missing), and `registers` holds those supplier registers
 * when they add up to it, as a reading's registers always do (a frame read while the meter counts
 * may catch them a step apart: EAST alone is then the truth); EAIT becomes `exportWh`. The distributor registers EASD01–EASD04 split the
 * same energy a second way and are ignored, so that nothing is counted twice.
 */
export function frameRegisters(frame: object): FrameRegisters {
  const invalid = (detail: string): FrameRegisters => ({
    ok: false,
    reason: 'invalid_schema',
    detail,
  });
  const history = readLabels(frame, HISTORY_INDEXES);
  if ('problem' in history) return invalid(history.problem);
  const supplier = readLabels(frame, STANDARD_SUPPLIER_INDEXES);
  if ('problem' in supplier) return invalid(supplier.problem);
  const totals = readLabels(frame, [STANDARD_TOTAL, STANDARD_EXPORT]);
  if ('problem' in totals) return invalid(totals.problem);

  const historyLabels = Object.keys(history.registers);
  const east = totals.registers[STANDARD_TOTAL];
  const standard = east !== undefined || Object.keys(supplier.registers).length > 0;
  if (historyLabels.length > 0 && standard) {
    return invalid(
      `the frame mixes history-mode indexes (${historyLabels.join(', ')}) with standard-mode ones`,
    );
  }
  if (historyLabels.length > 0) {
    const importWh = sum(Object.values(history.registers));
    if (!Number.isSafeInteger(importWh)) {
      return invalid(`the sum of ${historyLabels.join(', ')} is not a safe integer of Wh`);
    }
    return { ok: true, importWh, registers: history.registers };
  }
  if (standard) {
    const importWh = east ?? sum(Object.values(supplier.registers));
    if (!Number.isSafeInteger(importWh)) {
      return invalid('the sum of the EASFxx registers is not a safe integer of Wh');
    }
    const exportWh = totals.registers[STANDARD_EXPORT];
    const complete = sum(Object.values(supplier.registers)) === importWh;
    return {
      ok: true,
      importWh,
      registers: complete ? supplier.registers : undefined,
      exportWh,
    };
  }
  return { ok: false, reason: 'no_reading', detail: noIndexDetail(frame) };
}

/** What a message without any index was: a bridge status, or a frame of other labels. */
function noIndexDetail(frame: object): string {
  const state = own(frame, 'state');
  if (typeof state === 'string') {
    return `a teleinfo2mqtt status message (state ${shown(state)}), not a meter frame`;
  }
  if (Object.keys(frame).length === 0) return 'an empty frame: no index label';
  return (
    `no index label (BASE, HCHC/HCHP, …, ${STANDARD_TOTAL}, EASFxx) in the ` +
    `frame; labels: ${keysShown(frame, 12)}`
  );
}
