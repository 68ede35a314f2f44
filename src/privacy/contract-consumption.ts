import type { Kysely } from 'kysely';
import { type Bucket, computeConsumption, type Consumption } from '../consumption/buckets.js';
import { snapRange, type GroupBy } from '../consumption/group-by.js';
import { milliWhToWh, whToMilliWh } from '../consumption/milli-wh.js';
import { QUALITIES, type Quality } from '../consumption/quality.js';
import { getContract } from '../fleet/contracts.js';
import type { Visibility } from '../fleet/visibility.js';
import type { LedgerDatabase } from '../ledger/schema.js';
import { fromStore } from '../readings/from-store.js';
import type { Reading } from '../readings/reading.js';
import type { ReadingStore } from '../readings/reading-store.js';
import { consentedConsumption, requireConsentFor } from './consented-consumption.js';

export interface ContractConsumptionDeps {
  readonly db: Kysely<LedgerDatabase>;
  readonly store: Pick<ReadingStore, 'windows'>;
}

export interface ContractConsumptionInput {
  readonly visibility: Visibility;
  readonly contractId: string;
  readonly from: number;
  readonly to: number;
  readonly groupBy: GroupBy;
  /** Default: the contract's zone. */
  readonly tz?: string | undefined;
}

export interface ContractConsumption extends Consumption {
  readonly contractId: string;
  readonly groupBy: GroupBy;
  readonly tz: string;
  /** The meters counted, with the stretch each was in service. */
  readonly meters: readonly MeterService[];
}

/** A meter of the contract and when it counted: from its installation to its removal, if any. */
export interface MeterService {
  readonly meterId: string;
  readonly from: number;
  readonly to: number | null;
}

const rank = (q: Quality) => QUALITIES.indexOf(q);
const weaker = (a: Quality, b: Quality): Quality => (rank(a) <= rank(b) ? a : b);

interface Part {
  readonly importMwh: bigint | null;
  readonly exportMwh: bigint | null;
  readonly quality: Quality;
}

/**
 * A contract's consumption across all its meters, bucket by bucket, under the contract's consent
 * (`GET /v1/contracts/{id}/consumption`). Each meter counts only while it was in service: a meter
 * exchanged mid-bucket gives the part up to its final index, its successor the part from its start
 * index (quarter hours are exchange instants, so those parts are exact), and the bucket is the sum
 * without gap or spike. A bucket's quality is the weakest of the meters in service in it; its value
 * is null when one of them has none.
 *
 * @throws AppError `not_found`, `consent_required`, `validation_failed`, `store_unavailable`.
 */
export async function contractConsumption(
  deps: ContractConsumptionDeps,
  input: ContractConsumptionInput,
): Promise<ContractConsumption> {
  const contract = await getContract(deps.db, input.visibility, input.contractId);
  const tz = input.tz ?? contract.timezone;
  const facts = { consent: contract.consent, contractTz: contract.timezone };
  requireConsentFor({ ...facts, groupBy: input.groupBy, tz });
  const { start, end } = snapRange(input.from, input.to, input.groupBy, tz);
  const rows = await deps.db
    .selectFrom('meters')
    .select(['id', 'installed_at', 'removed_at'])
    .where('contract_id', '=', contract.id)
    .orderBy('id')
    .execute();
  const meters: MeterService[] = rows.map((m) => ({
    meterId: m.id,
    from: Date.parse(m.installed_at),
    to: m.removed_at === null ? null : Date.parse(m.removed_at),
  }));
  const serving = meters.filter((m) => m.from < end && (m.to === null || m.to > start));
  const windows = await fromStore(
    'the readings',
    deps.store.windows(
      serving.map((m) => ({ meterId: m.meterId, from: start, to: end, fields: 'registers' })),
    ),
  );
  const cut = { ...facts, from: start, to: end, groupBy: input.groupBy, tz };
  const grid = consentedConsumption({ ...cut, readings: [] }).buckets;
  const parts = grid.map((): Part[] => []);
  for (const m of serving) {
    const w = windows.get(m.meterId);
    const readings = w === undefined ? [] : [w.before, ...w.inside, w.after].filter(isReading);
    const own = consentedConsumption({ ...cut, readings }).buckets;
    grid.forEach((b, i) => {
      const from = Math.max(b.start, m.from);
      const to = Math.min(b.end, m.to ?? Number.POSITIVE_INFINITY);
      if (from >= to) return;
      parts[i]!.push(
        from === b.start && to === b.end
          ? partOf(own[i]!)
          : clipped(readings, from, to, contract.consent === 'interval'),
      );
    });
  }
  let importTotal = 0n;
  let exportTotal: bigint | null = null;
  const buckets: Bucket[] = grid.map((b, i) => {
    const ps = parts[i]!;
    // No meter in service: nothing measured the contract then.
    if (ps.length === 0) return { ...b, importWh: null, exportWh: null, quality: 'missing' };
    const quality = ps.map((p) => p.quality).reduce(weaker);
    const importMwh = ps.some((p) => p.importMwh === null)
      ? null
      : ps.reduce((a, p) => a + p.importMwh!, 0n);
    const exports = ps.filter((p) => p.exportMwh !== null);
    const exportMwh = exports.length === 0 ? null : exports.reduce((a, p) => a + p.exportMwh!, 0n);
    if (importMwh !== null) importTotal += importMwh;
    if (exportMwh !== null) exportTotal = (exportTotal ?? 0n) + exportMwh;
    return {
      start: b.start,
      end: b.end,
      importWh: importMwh === null ? null : milliWhToWh(importMwh),
      exportWh: exportMwh === null ? null : milliWhToWh(exportMwh),
      quality,
    };
  });
  return {
    contractId: contract.id,
    groupBy: input.groupBy,
    tz,
    start,
    end,
    buckets,
    totals: {
      importWh: milliWhToWh(importTotal),
      exportWh: exportTotal === null ? null : milliWhToWh(exportTotal),
    },
    meters,
  };
}

const isReading = (r: Reading | undefined): r is Reading => r !== undefined;

const toMwh = (wh: number | null) => (wh === null ? null : whToMilliWh(wh));

const partOf = (b: Bucket): Part => ({
  importMwh: toMwh(b.importWh),
  exportMwh: toMwh(b.exportWh),
  quality: b.quality,
});

/**
 * One meter's consumption over the part of a bucket it was in service, summed from its quarter
 * hours. Below consent `interval`, a part still running has no value: its running total would show
 * what the consent withholds.
 */
function clipped(readings: readonly Reading[], from: number, to: number, interval: boolean): Part {
  const quarters = computeConsumption({ readings, from, to, groupBy: '15m', tz: 'UTC' }).buckets;
  const inside = quarters.filter((q) => q.start >= from && q.end <= to);
  const quality = inside.map((q) => q.quality).reduce(weaker, 'measured' as Quality);
  if (quality === 'missing' || (quality === 'partial' && !interval))
    return { importMwh: null, exportMwh: null, quality };
  const sum = (pick: (q: Bucket) => number | null) =>
    inside.some((q) => pick(q) === null)
      ? null
      : inside.reduce((a, q) => a + whToMilliWh(pick(q)!), 0n);
  return { importMwh: sum((q) => q.importWh), exportMwh: sum((q) => q.exportWh), quality };
}
