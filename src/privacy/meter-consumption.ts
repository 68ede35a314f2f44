import type { Consumption } from '../consumption/buckets.js';
import { snapRange, type GroupBy } from '../consumption/group-by.js';
import type { MeterLookup } from '../fleet/meter-lookup.js';
import type { Visibility } from '../fleet/visibility.js';
import type { DaySeriesSource } from '../readings/days/day-series-source.js';
import { fromStore } from '../readings/from-store.js';
import type { ReadingStore } from '../readings/reading-store.js';
import { registerColumnsOfWindow, type SpanEvent } from '../readings/register-columns.js';
import { consentedConsumption, requireConsentFor } from './consented-consumption.js';

/** What a meter's consumption is read from. */
export interface MeterConsumptionDeps {
  readonly store: Pick<ReadingStore, 'registers' | 'windows'>;
  readonly meters: Pick<MeterLookup, 'get'>;
  /** Day summaries: a cut at local midnights of the contract's zone reads them, not every reading. */
  readonly days?: DaySeriesSource | undefined;
}

/** Cuts whose edges are all local midnights: day summaries can answer them. */
const DAY_EDGED: readonly GroupBy[] = ['day', 'month'];

/** A consumption request, already validated: `from` ≤ `to`, `tz` (when given) a known zone. */
export interface MeterConsumptionInput {
  readonly visibility: Visibility;
  readonly meterId: string;
  readonly from: number;
  readonly to: number;
  readonly groupBy: GroupBy;
  /** Default: the contract's zone. */
  readonly tz?: string | undefined;
  /** Also count each of a multi-register meter's own registers, bucket by bucket. */
  readonly registers?: boolean | undefined;
}

/** Per bucket (and in total) the Wh of each device register, by its device name. */
export interface RegisterConsumption {
  readonly buckets: readonly Readonly<Record<string, number | null>>[];
  readonly totals: Readonly<Record<string, number>>;
}

/** The consumption of one meter, with the cut it was computed in. */
export interface MeterConsumption extends Consumption {
  readonly meterId: string;
  readonly groupBy: GroupBy;
  readonly tz: string;
  /** When asked for: the consumption of each device register, bucket by bucket. */
  readonly registers?: RegisterConsumption | undefined;
  /** Per bucket, where a register span began inside it (a reset or a wrap); usually all empty. */
  readonly counterEvents: readonly (readonly SpanEvent[])[];
}

/**
 * The counter events inside each bucket. A reset or wrap at a reading happened between that reading
 * and the one before: it belongs to the bucket ending at or after it, `(start, end]`.
 */
function eventsPerBucket(
  buckets: readonly { start: number; end: number }[],
  events: ReadonlyMap<number, SpanEvent> | undefined,
): SpanEvent[][] {
  const out = buckets.map((): SpanEvent[] => []);
  if (events === undefined) return out;
  for (const [ts, event] of events) {
    const i = buckets.findIndex((b) => ts > b.start && ts <= b.end);
    if (i >= 0 && !out[i]!.includes(event)) out[i]!.push(event);
  }
  return out;
}

/**
 * A meter's consumption as its contract's consent allows, the work of
 * `GET /v1/meters/{id}/consumption` as a plain function, so the route only validates and presents.
 * The consent is checked before the store is read: a refused request costs no query. Readings are
 * fetched around the range snapped to bucket edges.
 *
 * @throws AppError `not_found` for a meter `visibility` may not see; `consent_required`;
 *   `validation_failed` for too many buckets or a bad zone; `store_unavailable` when the store
 *   fails.
 */
export async function meterConsumption(
  deps: MeterConsumptionDeps,
  input: MeterConsumptionInput,
): Promise<MeterConsumption> {
  const meter = await deps.meters.get(input.visibility, input.meterId);
  const tz = input.tz ?? meter.timezone;
  const facts = { consent: meter.consent, contractTz: meter.timezone };
  requireConsentFor({ ...facts, groupBy: input.groupBy, tz });
  const { start, end } = snapRange(input.from, input.to, input.groupBy, tz);
  const summarised =
    deps.days !== undefined &&
    input.registers !== true &&
    tz === meter.timezone &&
    DAY_EDGED.includes(input.groupBy)
      ? await fromStore('the readings', deps.days.series(meter.id, tz, start, end))
      : undefined;
  const series =
    summarised ?? (await fromStore('the readings', deps.store.registers(meter.id, start, end)));
  const cut = { ...facts, from: start, to: end, groupBy: input.groupBy, tz };
  const result = consentedConsumption({ ...cut, series });
  const counterEvents = eventsPerBucket(result.buckets, series.counterEvents);
  if (input.registers !== true)
    return { meterId: meter.id, groupBy: input.groupBy, tz, ...result, counterEvents };
  const windows = await fromStore(
    'the readings',
    deps.store.windows([{ meterId: meter.id, from: start, to: end, fields: 'all' }]),
  );
  const perRegister = [...registerColumnsOfWindow(windows.get(meter.id))]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, columns]) => [name, consentedConsumption({ ...cut, series: columns })] as const);
  const registers: RegisterConsumption = {
    buckets: result.buckets.map((_, i) =>
      Object.fromEntries(perRegister.map(([name, c]) => [name, c.buckets[i]?.importWh ?? null])),
    ),
    totals: Object.fromEntries(perRegister.map(([name, c]) => [name, c.totals.importWh])),
  };
  return { meterId: meter.id, groupBy: input.groupBy, tz, ...result, registers, counterEvents };
}
