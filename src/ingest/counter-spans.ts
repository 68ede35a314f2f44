import { SPAN_STARTS, type CounterSpan, type Reading } from '../readings/reading.js';

/**
 * How a meter's registers may go down (docs/design.md §8 "Register spans"):
 * - `counterResets`: `reject` (a decrease is an error) or `new-span` (the counter restarted from 0);
 * - `registerMaxWh`: the register wraps to 0 after reaching it;
 * - `decreaseToleranceWh`: a dip up to this many Wh is rounding noise: the index holds.
 */
export interface CounterRules {
  readonly counterResets: 'reject' | 'new-span';
  readonly registerMaxWh: number | null;
  readonly decreaseToleranceWh: number;
}

export const STRICT_COUNTER: CounterRules = {
  counterResets: 'reject',
  registerMaxWh: null,
  decreaseToleranceWh: 0,
};

/**
 * A reading with the device's own counter marker in force at it (Tasmota's `TotalStartTime`),
 * held beside the reading in memory: the store keeps it in the span only where it must
 * (`storedCounterStart`), so most readings carry it here only, and nothing is built for them.
 */
export interface MarkedReading extends Reading {
  readonly counterStart?: string | undefined;
}

/** The device's counter marker of a reading: held beside it, or stored in its span. */
export const markerOf = (r: MarkedReading): string | undefined =>
  r.counterStart ?? r.span?.counterStart;

type Register = 'import' | 'export';

/** What one register of a reading becomes on the meter's continuous index. */
interface Step {
  readonly index: number;
  readonly offset: number;
  readonly event?: 'reset' | 'wrap' | 'dip' | undefined;
  /** The device's own value, kept when the index held (a dip). */
  readonly device?: number | undefined;
}

const valueOf = (r: Reading, reg: Register) => (reg === 'import' ? r.importWh : r.exportWh);
const offsetOf = (r: Reading, reg: Register) =>
  (reg === 'import' ? r.span?.importOffsetWh : r.span?.exportOffsetWh) ?? 0;
const heldOf = (r: Reading, reg: Register) =>
  reg === 'import' ? r.span?.deviceImportWh : r.span?.deviceExportWh;

/** The device's value behind a stored reading's index. */
function deviceValueOf(r: Reading, reg: Register): number | undefined {
  const index = valueOf(r, reg);
  if (index === undefined) return undefined;
  return heldOf(r, reg) ?? index - offsetOf(r, reg);
}

/**
 * One register of a device reading (`raw`, the device's own value) after the stored reading `prev`.
 * Undefined when it went down and nothing explains it (the caller rejects `register_decrease`).
 */
function stepRegister(
  rules: CounterRules,
  prev: Reading,
  raw: number,
  reg: Register,
  deviceReset: boolean,
): Step | undefined {
  const prevIndex = valueOf(prev, reg);
  const prevDevice = deviceValueOf(prev, reg);
  const offset = offsetOf(prev, reg);
  if (prevIndex === undefined || prevDevice === undefined) return { index: raw + offset, offset };
  // The device says its counter restarted: it counted `raw` since, from 0.
  if (deviceReset) return { index: prevIndex + raw, offset: prevIndex, event: 'reset' };
  const index = raw + offset;
  if (index >= prevIndex) return { index, offset };
  const drop = prevIndex - index;
  if (drop <= rules.decreaseToleranceWh)
    return { index: prevIndex, offset, event: 'dip', device: raw };
  if (rules.registerMaxWh !== null && prevDevice <= rules.registerMaxWh && raw < prevDevice) {
    const wrapped = prevIndex + (rules.registerMaxWh - prevDevice) + raw;
    return { index: wrapped, offset: wrapped - raw, event: 'wrap' };
  }
  if (rules.counterResets === 'new-span')
    return { index: prevIndex + raw, offset: prevIndex, event: 'reset' };
  return undefined;
}

const EVENT_RANK = { dip: 1, wrap: 2, reset: 3 } as const;

/** Whether a stored reading left the device's values as they were (no offset, no held dip). */
const plainSpan = (span: CounterSpan | undefined): boolean =>
  span === undefined ||
  (!span.importOffsetWh &&
    !span.exportOffsetWh &&
    span.deviceImportWh === undefined &&
    span.deviceExportWh === undefined);

/** Whether a raw device reading's span holds nothing but the device's own marker. */
const markerOnly = (span: CounterSpan): boolean =>
  span.event === undefined &&
  span.importOffsetWh === undefined &&
  span.exportOffsetWh === undefined &&
  span.deviceImportWh === undefined &&
  span.deviceExportWh === undefined;

/**
 * A device reading (registers as the device counts them) as the meter's continuous index, following
 * the stored reading `prev` (the latest before it in meter time): after a reset or a wrap the
 * index goes on from where it was, a dip within the tolerance holds it, and the reading carries
 * what happened (`span`). Undefined when a register went down beyond what the rules explain.
 * Without `prev` the device's values are the index. `prev` must have the marker in force at it
 * (see `carryCounterStarts`): a reading that does not store it still had one.
 */
export function continueCounter(
  rules: CounterRules,
  prev: MarkedReading | undefined,
  raw: MarkedReading,
): MarkedReading | undefined {
  if (prev === undefined) return raw;
  const counterStart = markerOf(raw);
  const prevStart = markerOf(prev);
  const deviceReset =
    counterStart !== undefined && prevStart !== undefined && prevStart !== counterStart;
  // Nearly every reading: a counter that went up after a reading that took the device's values as
  // they were. The index is the device's value; nothing to build.
  if (
    !deviceReset &&
    plainSpan(prev.span) &&
    raw.importWh >= prev.importWh &&
    (raw.exportWh === undefined || prev.exportWh === undefined || raw.exportWh >= prev.exportWh) &&
    (raw.span === undefined || markerOnly(raw.span))
  )
    return raw.span === undefined || raw.span.counterStart !== undefined ? raw : withoutSpan(raw);
  const imp = stepRegister(rules, prev, raw.importWh, 'import', deviceReset);
  if (imp === undefined) return undefined;
  let exp: Step | undefined;
  if (raw.exportWh !== undefined) {
    exp = stepRegister(rules, prev, raw.exportWh, 'export', deviceReset);
    if (exp === undefined) return undefined;
  }
  const events = [imp.event, exp?.event].filter((e) => e !== undefined);
  const event = events.sort((a, b) => EVENT_RANK[b] - EVENT_RANK[a])[0];
  // A redelivered reading keeps the event its first delivery recorded.
  const span: CounterSpan = {
    ...(event === undefined ? {} : { event }),
    ...(imp.offset === 0 ? {} : { importOffsetWh: imp.offset }),
    ...(exp === undefined || exp.offset === 0 ? {} : { exportOffsetWh: exp.offset }),
    ...(imp.device === undefined ? {} : { deviceImportWh: imp.device }),
    ...(exp?.device === undefined ? {} : { deviceExportWh: exp.device }),
    ...(counterStart === undefined ? {} : { counterStart }),
  };
  const { span: _raw, ...rest } = raw;
  return {
    ...rest,
    importWh: imp.index,
    ...(exp === undefined ? {} : { exportWh: exp.index }),
    ...(Object.keys(span).length === 0 ? {} : { span }),
  };
}

function withoutSpan(r: MarkedReading): MarkedReading {
  const { span: _span, ...rest } = r;
  return rest;
}

/** Whether a span's event begins a register span (where the marker is stored too). */
const beginsSpan = (span: CounterSpan | undefined): boolean =>
  span?.event !== undefined && SPAN_STARTS.includes(span.event);

/**
 * The reading as it is stored: its `counterStart` only where the store must hold it. That is where
 * the marker changes (the first reading of the meter, a device reset, the first reading that
 * carries one) and where a register span begins, so that whoever reads the store later (a
 * restarted ingest) finds the marker in force at the latest counter event or the first reading
 * after it (`counterStartBefore`). Everywhere else it is the marker of the reading before: Tasmota
 * sends it in every message, and storing it with every reading cost a JSON span in the spool and
 * a string field per point in InfluxDB. `indexed` is `continueCounter`'s answer after `prev`; a
 * reading whose marker is held beside it only is stored as it is, since no store writes that field.
 */
export function storedCounterStart(
  indexed: MarkedReading,
  prev: MarkedReading | undefined,
): MarkedReading {
  const marker = markerOf(indexed);
  const span = indexed.span;
  if (marker === undefined) return indexed;
  if (prev === undefined || markerOf(prev) !== marker || beginsSpan(span)) {
    if (span?.counterStart === marker) return indexed;
    // Not a spread: adding a field to a spread object is V8's slow path.
    return Object.assign({}, indexed, { span: { ...span, counterStart: marker } });
  }
  // Held beside the reading only, which no store writes: the reading as it is.
  if (span?.counterStart === undefined) return indexed;
  if (markerOnly(span)) return { ...indexed, span: undefined };
  const { counterStart: _known, ...kept } = span;
  return { ...indexed, span: kept };
}

/**
 * Stored readings of one meter (ascending, as the store answers them) with the marker in force at
 * each: a reading that does not store it has that of the reading before, `before` (the marker in
 * force before the first) for the first ones. Readings without one stay as they are when none is
 * known.
 */
export function carryCounterStarts(
  known: readonly Reading[],
  before: string | undefined,
): MarkedReading[] {
  let inForce = before;
  return known.map((r) => {
    const own = markerOf(r);
    if (own !== undefined) {
      inForce = own;
      return r;
    }
    // Not a spread: adding a field to a spread object is V8's slow path.
    return inForce === undefined ? r : Object.assign({}, r, { counterStart: inForce });
  });
}
