import { hash3, remix, unit3 } from './prng.js';

/**
 * A household's electrical behaviour. All quantities are plain numbers so a profile can be
 * logged, compared and rebuilt from its seed.
 */
export interface HomeProfile {
  /** Seed of this home's noise (appliance switching, daily activity, clouds). */
  readonly seed: number;
  /** Always-on load (fridge, standby, ventilation), W. */
  readonly baseW: number;
  /** Height of the evening peak above the base load, W. */
  readonly peakW: number;
  /** Morning peak height as a share of the evening peak (0..1). */
  readonly morningShare: number;
  /** Extra consumption in mid-winter as a share (0.3 = +30 % in January, -30 % in July). */
  readonly winterBoost: number;
  /**
   * Offset of the home's local (standard) time from UTC, minutes. Daily rhythms follow local time.
   */
  readonly utcOffsetMinutes: number;
  /** Installed photovoltaic peak power in kWp; 0 for a home without solar. */
  readonly solarKwp: number;
}

/** Instantaneous power split into what flows in from the grid and out to it, W (both >= 0). */
export interface PowerFlows {
  readonly importW: number;
  readonly exportW: number;
}

/** Energy over a time range, Wh (fractional). */
export interface EnergyFlows {
  readonly importWh: number;
  readonly exportWh: number;
}

/** No simulated home ever draws more than this (a large single-family connection). */
export const MAX_HOME_POWER_W = 15_000;
/**
 * Resolution of appliance noise and of integration: the load is piecewise constant per 5 minutes.
 */
export const PROFILE_STEP_MS = 5 * 60_000;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const YEAR_DAYS = 365.2425;

interface LocalTime {
  /** Days since 1970-01-01 in local time. */
  readonly day: number;
  /** Fractional hour of the local day, [0, 24). */
  readonly hour: number;
  /** Day of the (mean) year, [0, 365.24). */
  readonly dayOfYear: number;
  readonly weekend: boolean;
}

function localTime(profile: HomeProfile, t: number): LocalTime {
  const local = t + profile.utcOffsetMinutes * 60_000;
  const day = Math.floor(local / DAY_MS);
  const dow = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  const dayOfYear = ((day % YEAR_DAYS) + YEAR_DAYS) % YEAR_DAYS;
  return {
    day,
    hour: (local - day * DAY_MS) / HOUR_MS,
    dayOfYear,
    weekend: dow === 0 || dow === 6,
  };
}

/** A bell around `center` (hours), on the 24-hour circle. */
function bump(hour: number, center: number, sd: number): number {
  let d = hour - center;
  if (d > 12) d -= 24;
  else if (d < -12) d += 24;
  return Math.exp(-0.5 * (d / sd) ** 2);
}

/** cos of the year phase: +1 at the given day of year, -1 half a year later. */
function seasonal(dayOfYear: number, peakDay: number): number {
  return Math.cos((2 * Math.PI * (dayOfYear - peakDay)) / YEAR_DAYS);
}

/** Household consumption (before any solar), W, averaged over the 5-minute slot containing `t`. */
export function consumptionW(profile: HomeProfile, t: number): number {
  const lt = localTime(profile, t);
  const slot = Math.floor(t / PROFILE_STEP_MS);
  const season = 1 + profile.winterBoost * seasonal(lt.dayOfYear, 15);
  const activity = 0.8 + 0.45 * unit3(profile.seed, 1, lt.day);
  const h = lt.hour;
  const morning = lt.weekend ? bump(h, 9.25, 1.3) : bump(h, 7.5, 0.9);
  const evening = lt.weekend ? bump(h, 19, 1.6) : bump(h, 19.5, 1.4);
  const daytime = (lt.weekend ? 0.35 : 0.1) * bump(h, 13.5, 2.5);
  const shaped =
    profile.baseW + activity * profile.peakW * (profile.morningShare * morning + evening + daytime);
  // Appliances switch on and off: triangular noise with mean 1 (0.5..1.5), plus the odd kettle or
  // oven. One hash per slot, cut into 16-bit uniforms: this function runs millions of times.
  const r1 = hash3(profile.seed, 2, slot);
  const r2 = remix(r1);
  const noise = 0.5 + ((r1 & 0xffff) + (r1 >>> 16)) / 131_072;
  let w = season * shaped * noise;
  // 1311/65536 = 2 %
  if (h >= 6 && h < 23 && (r2 & 0xffff) < 1311) w += 1500 + (1500 * (r2 >>> 16)) / 65_536;
  return Math.min(MAX_HOME_POWER_W, Math.max(30, w));
}

/** Photovoltaic production, W: zero at night, longer and higher days in summer, cloudy days. */
export function solarW(profile: HomeProfile, t: number): number {
  if (profile.solarKwp <= 0) return 0;
  const lt = localTime(profile, t);
  const summer = seasonal(lt.dayOfYear, 172);
  const dayLength = 12 + 4 * summer;
  const x = ((lt.hour - 12.5) / dayLength) * Math.PI;
  if (Math.abs(x) >= Math.PI / 2) return 0;
  const sun = Math.cos(x) ** 1.5;
  const seasonAmp = 0.55 + 0.45 * summer;
  const clearDay = 0.25 + 0.75 * unit3(profile.seed, 6, lt.day);
  const passingClouds = 0.7 + 0.3 * unit3(profile.seed, 7, Math.floor(t / HOUR_MS));
  return Math.min(
    MAX_HOME_POWER_W,
    profile.solarKwp * 950 * seasonAmp * sun * clearDay * passingClouds,
  );
}

/** Net power at the meter: consumption minus solar, split into import and export. */
export function powerFlows(profile: HomeProfile, t: number): PowerFlows {
  const net = consumptionW(profile, t) - solarW(profile, t);
  return net >= 0 ? { importW: net, exportW: 0 } : { importW: 0, exportW: -net };
}

/**
 * Energy imported and exported over [from, to), Wh. The power is taken as constant over each
 * `stepMs` grid cell (value at the cell's midpoint), so integrals over adjacent ranges add up.
 */
export function integrateEnergy(
  profile: HomeProfile,
  from: number,
  to: number,
  stepMs = PROFILE_STEP_MS,
): EnergyFlows {
  let importWh = 0;
  let exportWh = 0;
  let s = from;
  while (s < to) {
    const cellStart = Math.floor(s / stepMs) * stepMs;
    const end = Math.min(to, cellStart + stepMs);
    const f = powerFlows(profile, cellStart + stepMs / 2);
    importWh += (f.importW * (end - s)) / HOUR_MS;
    exportWh += (f.exportW * (end - s)) / HOUR_MS;
    s = end;
  }
  return { importWh, exportWh };
}
