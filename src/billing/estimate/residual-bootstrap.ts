import type { DayTotal } from './day-totals.js';

/** A day's deviation from its expected import and export, kWh (or, relative, per kWh of level). */
export interface Residual {
  readonly importKwh: number;
  readonly exportKwh: number;
}

/** How far the remaining energy may land from its projection: one scenario, kWh. */
export interface Deviation {
  readonly importKwh: number;
  readonly exportKwh: number;
}

/** What the bootstrap simulates. */
export interface BootstrapInput {
  /** Daily residuals in day order (blocks of consecutive days keep their serial correlation). */
  readonly residuals: readonly Residual[];
  /** Days the projection's level rests on (its own error is part of the projection's). */
  readonly levelDays: number;
  /** Days left to project (fractional). */
  readonly remainingDays: number;
  /** Money per kWh of import and of export credit: ranks the scenarios by what they cost. */
  readonly importValue: number;
  readonly exportValue: number;
}

/** The 10th and 90th percentile scenarios of the projection's error. */
export interface BootstrapRange {
  readonly low: Deviation;
  readonly high: Deviation;
}

/** Replicates per range: the 10 % tail then holds 200 of them. */
const REPLICATES = 2000;
/**
 * Days per block: consecutive days move together (a cold spell, a week away), and a block of three
 * keeps most of that while leaving many distinct blocks in four weeks.
 */
const BLOCK_DAYS = 3;
const SEED = 0x5eed_2026;

/** mulberry32: a small, fast, seeded generator; the range must be the same for the same input. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const kwh = (mwh: bigint) => Number(mwh) / 1_000_000;

/**
 * Each day's import and export less the mean of the days of its kind (weekday or weekend), kWh per
 * 24 hours (a 23- or 25-hour day is no change of habits): what the projection, which follows those
 * means, cannot know in advance. Export counts as 0 on a day whose export register is unknown.
 */
export function dailyResiduals(days: readonly DayTotal[]): Residual[] {
  const mean = (weekend: boolean, f: (d: DayTotal) => number) => {
    const of = days.filter((d) => d.weekend === weekend);
    const xs = of.length > 0 ? of : days;
    return xs.reduce((a, d) => a + f(d), 0) / Math.max(1, xs.length);
  };
  const perDay = (d: DayTotal) => 96 / d.quarters;
  const imp = (d: DayTotal) => kwh(d.importMwh) * perDay(d);
  const exp = (d: DayTotal) => kwh(d.exportMwh ?? 0n) * perDay(d);
  const means = [false, true].map((w) => ({ imp: mean(w, imp), exp: mean(w, exp) }));
  return days.map((d) => {
    const m = means[d.weekend ? 1 : 0]!;
    return { importKwh: imp(d) - m.imp, exportKwh: exp(d) - m.exp };
  });
}

/**
 * The range of a projection's error by a moving-block bootstrap of daily residuals: each replicate
 * strings together random blocks of consecutive days into a level window and the days left, and
 * its error is what the days left add up to less what the level window made the projection
 * expect of them (`remaining / level` times its sum): the uncertainty of the level itself and of
 * the days to come, for import and export together (a sunny day lowers one and raises the other).
 * Replicates are ranked by money (`importValue × import − exportValue × export`); the 10th and 90th
 * percentile ones are the range's ends. Deterministic: a fixed seed, so the same history always
 * gives the same range. Answers zero deviations without residuals or without days left.
 */
export function bootstrapRange(input: BootstrapInput): BootstrapRange {
  const { residuals, levelDays, remainingDays } = input;
  const zero = { importKwh: 0, exportKwh: 0 };
  if (residuals.length === 0 || remainingDays <= 0 || levelDays <= 0)
    return { low: zero, high: zero };
  const next = generator(SEED);
  const block = Math.min(BLOCK_DAYS, residuals.length);
  const starts = residuals.length - block + 1;
  const wholeLeft = Math.floor(remainingDays);
  const partLeft = remainingDays - wholeLeft;
  const days = levelDays + wholeLeft + (partLeft > 0 ? 1 : 0);
  const reps: { v: number; d: Deviation }[] = [];
  for (let r = 0; r < REPLICATES; r++) {
    let baseI = 0;
    let baseE = 0;
    let futI = 0;
    let futE = 0;
    for (let k = 0; k < days;) {
      const s = Math.floor(next() * starts);
      for (let b = 0; b < block && k < days; b++, k++) {
        const x = residuals[s + b]!;
        if (k < levelDays) {
          baseI += x.importKwh;
          baseE += x.exportKwh;
        } else {
          const w = k - levelDays < wholeLeft ? 1 : partLeft;
          futI += w * x.importKwh;
          futE += w * x.exportKwh;
        }
      }
    }
    const scale = remainingDays / levelDays;
    const d = { importKwh: futI - scale * baseI, exportKwh: futE - scale * baseE };
    reps.push({ v: input.importValue * d.importKwh - input.exportValue * d.exportKwh, d });
  }
  reps.sort((a, b) => a.v - b.v);
  const at = (p: number) => reps[Math.round(p * (REPLICATES - 1))]!.d;
  return { low: at(0.1), high: at(0.9) };
}
