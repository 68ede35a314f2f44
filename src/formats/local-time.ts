import { DateTime } from 'luxon';

/** Devices whose clock was never set report times from 1970; anything before 2000 is not trusted. */
export const EARLIEST_TRUSTED_TS = Date.UTC(2000, 0, 1);

export interface LocalFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond?: number;
}

/**
 * A wall-clock time without an offset, read in `zone`:
 * - `instant`: exactly one instant has that local time;
 * - `ambiguous`: the repeated hour when clocks go back (two instants; without an offset or a
 *   summer/winter flag nobody can tell which);
 * - `gap`: the hour skipped when clocks go forward (no instant has it);
 * - `invalid`: not a calendar time (Feb 30, 25:00).
 * `dst` picks one of an ambiguous pair: true for the first (summer time), false for the second.
 */
export type LocalResolution =
  | { readonly kind: 'instant'; readonly ts: number }
  | { readonly kind: 'ambiguous' | 'gap' | 'invalid' };

export function resolveLocalTime(
  fields: LocalFields,
  zone: string,
  dst?: boolean,
): LocalResolution {
  const local = DateTime.fromObject({ ...fields }, { zone });
  if (!local.isValid) {
    // luxon marks a time inside a spring-forward gap as valid but shifted; an invalid one here is a
    // bad calendar value.
    return { kind: 'invalid' };
  }
  const wall = (d: DateTime) =>
    d.year === fields.year &&
    d.month === fields.month &&
    d.day === fields.day &&
    d.hour === fields.hour &&
    d.minute === fields.minute &&
    d.second === fields.second;
  // Every instant with this wall time: try the offsets in force an hour before and after.
  const candidates = new Set<number>();
  for (const probe of [local.minus({ hours: 3 }), local, local.plus({ hours: 3 })]) {
    const ts = DateTime.fromObject({ ...fields }, { zone: probe.zone })
      .setZone(`UTC${offsetText(probe.offset)}`, { keepLocalTime: true })
      .toMillis();
    const back = DateTime.fromMillis(ts, { zone });
    if (wall(back)) candidates.add(ts);
  }
  const sorted = [...candidates].sort((a, b) => a - b);
  if (sorted.length === 0) return { kind: 'gap' };
  if (sorted.length === 1) return { kind: 'instant', ts: sorted[0]! };
  if (dst === undefined) return { kind: 'ambiguous' };
  return { kind: 'instant', ts: dst ? sorted[0]! : sorted[sorted.length - 1]! };
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`;
}
