import type { TariffEnergy } from '../tariff-schema.js';
import { minuteOfDay, WEEKDAYS } from '../tou-windows.js';
import type { LocalTime } from './local-clock.js';

type TouEnergy = Extract<TariffEnergy, { type: 'tou' }>;

interface CompiledWindow {
  readonly band: string;
  readonly from: number;
  readonly to: number;
  readonly days: readonly boolean[];
}

/**
 * The band in force at a local time under time-of-use `energy` (docs/design.md §5 rule 1): the
 * first window whose `days` hold the local weekday and whose local time of day `t` has
 * `from <= t < to`, or, when `to <= from` (wrapping midnight), `t >= from || t < to`; otherwise
 * `defaultBand`. The schema forbids windows of different bands from overlapping, so "first" never
 * changes a price.
 */
export function touBandOf(energy: TouEnergy): (local: LocalTime) => string {
  const windows: CompiledWindow[] = energy.windows.map((w) => ({
    band: w.band,
    from: minuteOfDay(w.from),
    to: minuteOfDay(w.to),
    days: WEEKDAYS.map((d) => w.days.includes(d)),
  }));
  return ({ weekday, minuteOfDay: t }) => {
    for (const w of windows) {
      if (w.days[weekday] !== true) continue;
      if (w.from < w.to ? w.from <= t && t < w.to : t >= w.from || t < w.to) return w.band;
    }
    return energy.defaultBand;
  };
}
