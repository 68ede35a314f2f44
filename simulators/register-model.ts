import { PROFILE_STEP_MS, powerFlows, type EnergyFlows, type HomeProfile } from './load-profile.js';

/**
 * A meter's cumulative registers as a pure function of time.
 *
 * Why not just add up increments from wherever the simulation starts? Because a simulator that is
 * restarted with a later `from` would then begin again from the initial index, below what it sent
 * before, and every new reading would be rejected as a register decrease. Here the index at any
 * instant is fixed by the profile alone, counted from a fixed epoch (the installation day, else
 * REGISTER_EPOCH), so any run of the simulator
 * produces the same reading for the same (meter, ts).
 *
 * Cost: whole days are summed with hourly samples (cheap enough to count years for thousands of
 * meters), and a day is split into its hours and minutes with 5-minute samples scaled to that
 * day's total. The hourly sample points are a subset of the 5-minute ones, so a day with any
 * coarse import (export) always has fine import (export) to carry it: never export at night.
 */

/**
 * Default start of counting (for meters without an installation date); earlier times
 * are outside the simulation.
 */
export const REGISTER_EPOCH = Date.UTC(2020, 0, 1);

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const CELLS = DAY_MS / PROFILE_STEP_MS;
/** The hourly sample is the midpoint of this 5-minute cell of the hour (hh:27:30). */
const COARSE_CELL = 5;

/** Integer register values, Wh. */
export interface RegisterValues {
  readonly importWh: number;
  readonly exportWh: number;
}

/** Cumulative registers of one meter at any instant. */
export interface RegisterModel {
  /** Where counting starts (UTC midnight): the model is defined from here on. */
  readonly epoch: number;
  /**
   * The integer registers (what the meter shows) at `t`: never lower than at any earlier instant.
   */
  at(t: number): RegisterValues;
  /** The exact (fractional) energy counted at `t`, Wh. The registers are its floor. */
  exactAt(t: number): EnergyFlows;
}

interface DayShape {
  readonly day: number;
  readonly importPrefix: Float64Array;
  readonly exportPrefix: Float64Array;
}

/** Sum of the coarse (hourly) import and export over one UTC day. */
function coarseDay(profile: HomeProfile, dayStart: number): EnergyFlows {
  let importWh = 0;
  let exportWh = 0;
  for (let h = 0; h < 24; h++) {
    const f = powerFlows(profile, dayStart + h * HOUR_MS + (COARSE_CELL + 0.5) * PROFILE_STEP_MS);
    importWh += f.importW;
    exportWh += f.exportW;
  }
  return { importWh, exportWh };
}

function fineDay(profile: HomeProfile, epoch: number, day: number): DayShape {
  const dayStart = epoch + day * DAY_MS;
  const importPrefix = new Float64Array(CELLS + 1);
  const exportPrefix = new Float64Array(CELLS + 1);
  const cellHours = PROFILE_STEP_MS / HOUR_MS;
  for (let c = 0; c < CELLS; c++) {
    const f = powerFlows(profile, dayStart + (c + 0.5) * PROFILE_STEP_MS);
    importPrefix[c + 1] = (importPrefix[c] ?? 0) + f.importW * cellHours;
    exportPrefix[c + 1] = (exportPrefix[c] ?? 0) + f.exportW * cellHours;
  }
  return { day, importPrefix, exportPrefix };
}

/** Share of the day's fine total reached `within` ms into the day (0..1); 0 for an empty day. */
function share(prefix: Float64Array, within: number): number {
  const total = prefix[CELLS] ?? 0;
  if (total <= 0) return 0;
  const cell = Math.min(CELLS - 1, Math.floor(within / PROFILE_STEP_MS));
  const lo = prefix[cell] ?? 0;
  const hi = prefix[cell + 1] ?? lo;
  const part = lo + ((hi - lo) * (within - cell * PROFILE_STEP_MS)) / PROFILE_STEP_MS;
  return Math.min(1, part / total);
}

/**
 * Build the register model of a home whose registers read `initial` at `epoch` (aligned down to a
 * UTC day; default REGISTER_EPOCH). Counting starts there, so an epoch close to the simulated
 * times (the installation date) keeps start-up cheap: about 25 ms per meter for six years.
 * Keeps a running sum of whole days and the shape of the last two days it was asked about.
 */
export function createRegisterModel(
  profile: HomeProfile,
  initial: RegisterValues,
  epochMs: number = REGISTER_EPOCH,
): RegisterModel {
  const epoch = Math.floor(epochMs / DAY_MS) * DAY_MS;
  // cumImport[d] = registers at the start of day d (days since the epoch).
  const cumImport: number[] = [initial.importWh];
  const cumExport: number[] = [initial.exportWh];
  const dayImport: number[] = [];
  const dayExport: number[] = [];
  const shapes: DayShape[] = [];

  function growTo(day: number): void {
    for (let d = dayImport.length; d <= day; d++) {
      const c = coarseDay(profile, epoch + d * DAY_MS);
      dayImport.push(c.importWh);
      dayExport.push(c.exportWh);
      cumImport.push((cumImport[d] ?? 0) + c.importWh);
      cumExport.push((cumExport[d] ?? 0) + c.exportWh);
    }
  }

  function shapeOf(day: number): DayShape {
    const cached = shapes.find((s) => s.day === day);
    if (cached) return cached;
    const s = fineDay(profile, epoch, day);
    shapes.unshift(s);
    if (shapes.length > 2) shapes.pop();
    return s;
  }

  function exactAt(t: number): EnergyFlows {
    if (!Number.isFinite(t) || t < epoch) {
      throw new RangeError(
        `registers are simulated from ${new Date(epoch).toISOString()} on, not at ${t}`,
      );
    }
    const day = Math.floor((t - epoch) / DAY_MS);
    growTo(day);
    const within = t - epoch - day * DAY_MS;
    const baseImport = cumImport[day] ?? 0;
    const baseExport = cumExport[day] ?? 0;
    if (within === 0) return { importWh: baseImport, exportWh: baseExport };
    const shape = shapeOf(day);
    return {
      importWh: baseImport + (dayImport[day] ?? 0) * share(shape.importPrefix, within),
      exportWh: baseExport + (dayExport[day] ?? 0) * share(shape.exportPrefix, within),
    };
  }

  return {
    epoch,
    exactAt,
    at(t) {
      const e = exactAt(t);
      return { importWh: Math.floor(e.importWh), exportWh: Math.floor(e.exportWh) };
    },
  };
}
