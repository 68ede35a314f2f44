import type { CounterSpan, Reading } from '../readings/reading.js';

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

/**
 * A device reading (registers as the device counts them) as the meter's continuous index, following
 * the stored reading `prev` (the latest before it in meter time): after a reset or a wrap the
 * index goes on from where it was, a dip within the tolerance holds it, and the reading carries
 * what happened (`span`). Undefined when a register went down beyond what the rules explain.
 * Without `prev` the device's values are the index.
 */
export function continueCounter(
  rules: CounterRules,
  prev: Reading | undefined,
  raw: Reading,
): Reading | undefined {
  const counterStart = raw.span?.counterStart;
  if (prev === undefined) return raw;
  const deviceReset =
    counterStart !== undefined &&
    prev.span?.counterStart !== undefined &&
    prev.span.counterStart !== counterStart;
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
