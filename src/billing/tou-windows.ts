/** Local weekdays as time-of-use windows name them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `HH:MM`, 00:00 to 23:59. */
export const TIME_OF_DAY_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface TouWindow {
  readonly band: string;
  readonly from: string;
  readonly to: string;
  readonly days: readonly Weekday[];
}

export interface WindowIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

const SLOTS_PER_DAY = 96;

/** Minutes since local midnight of a valid `HH:MM`. */
export function minuteOfDay(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/**
 * The quarter-hour slots of one day a window covers (docs/design.md §5 rule 1, wrapping past
 * midnight when `to <= from`).
 */
function slotsOf(w: TouWindow): number[] {
  const from = minuteOfDay(w.from) / 15;
  const to = minuteOfDay(w.to) / 15;
  const out: number[] = [];
  for (let s = 0; s < SLOTS_PER_DAY; s += 1)
    if (from < to ? s >= from && s < to : s >= from || s < to) out.push(s);
  return out;
}

const slotLabel = (s: number) =>
  `${String(Math.floor(s / 4)).padStart(2, '0')}:${String((s % 4) * 15).padStart(2, '0')}`;

/**
 * The problems of a list of time-of-use windows that zod's per-field checks cannot see: unknown
 * bands, empty or misaligned windows, repeated days, and two windows giving one quarter hour
 * different bands (the price would then depend on the order of the list, which nobody reading the
 * tariff would guess). Edges must be quarter hours because consumption is priced per 15-minute
 * interval by its start time.
 */
export function checkWindows(
  windows: readonly TouWindow[],
  bands: readonly string[],
): WindowIssue[] {
  const issues: WindowIssue[] = [];
  const owner = new Map<number, number>();
  const reported = new Set<string>();
  windows.forEach((w, i) => {
    const at = (...rest: (string | number)[]) => ['windows', i, ...rest];
    let ok = true;
    if (!bands.includes(w.band)) {
      issues.push({
        path: at('band'),
        message: `band ${JSON.stringify(w.band)} is not among bands (${bands.join(', ')})`,
      });
    }
    for (const edge of ['from', 'to'] as const) {
      if (TIME_OF_DAY_RE.test(w[edge]) && minuteOfDay(w[edge]) % 15 !== 0) {
        issues.push({
          path: at(edge),
          message:
            'must be on a quarter hour (:00, :15, :30 or :45): consumption is priced per 15-minute interval',
        });
        ok = false;
      }
    }
    if (w.from === w.to) {
      issues.push({
        path: at('to'),
        message: 'must differ from "from" (a window from 22:00 to 06:00 wraps past midnight)',
      });
      ok = false;
    }
    const dupes = w.days.filter((d, k) => w.days.indexOf(d) !== k);
    if (dupes.length > 0)
      issues.push({
        path: at('days'),
        message: `lists ${[...new Set(dupes)].join(', ')} more than once`,
      });
    if (!ok || !TIME_OF_DAY_RE.test(w.from) || !TIME_OF_DAY_RE.test(w.to)) return;
    const slots = slotsOf(w);
    for (const day of new Set(w.days)) {
      const base = WEEKDAYS.indexOf(day) * SLOTS_PER_DAY;
      for (const s of slots) {
        const other = owner.get(base + s);
        if (other === undefined) {
          owner.set(base + s, i);
          continue;
        }
        const o = windows[other];
        if (o === undefined || o.band === w.band || reported.has(`${other}/${i}`)) continue;
        reported.add(`${other}/${i}`);
        issues.push({
          path: at(),
          message: `overlaps windows.${other} on ${day} at ${slotLabel(s)} with another band (${o.band} there, ${w.band} here)`,
        });
      }
    }
  });
  return issues;
}
