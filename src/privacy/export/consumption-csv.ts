import { forEachBillMeter } from '../../billing/bills/read-meters.js';
import { periodsBetween } from '../../billing/periods/billing-periods.js';
import { snapRange } from '../../consumption/group-by.js';
import type { Contract } from '../../fleet/contracts.js';
import type { ReadingStore } from '../../readings/reading-store.js';
import { toRfc3339 } from '../../shared/time.js';
import { GROUP_BY_OF_CONSENT } from '../consent.js';
import { consentedConsumption } from '../consented-consumption.js';

/** The header of `readings.csv`. */
export const CSV_HEADER = 'meter_id,contract_id,granularity,start,end,import_wh,export_wh,quality';

const cell = (v: number | null) => (v === null ? '' : String(v));

/**
 * A contract's consumption per meter as CSV lines (no header), at the granularity its consent
 * allows (`month`, `day` or `15m`) and under the same rules as the consumption API, from the
 * contract start to its end or `now`. Computed per billing period, so a long contract at 15 minutes
 * stays within the consumption core's bucket limit.
 */
export async function consumptionCsv(
  store: Pick<ReadingStore, 'windows'>,
  contract: Contract,
  meterIds: readonly string[],
  now: number,
): Promise<string[]> {
  const end = Math.min(contract.endsAt ?? now, now);
  if (meterIds.length === 0 || end <= contract.startsAt) return [];
  const groupBy = GROUP_BY_OF_CONSENT[contract.consent];
  const tz = contract.timezone;
  const periods = periodsBetween(contract, contract.startsAt, end).map((period) =>
    snapRange(period.start, Math.min(period.end, end), groupBy, tz),
  );
  // Billing's reader takes the meters a few per store call: a contract of hundreds of meters never
  // has a month of all their readings in memory. Lines are kept per period and meter, and written
  // in that order.
  const byPeriod = periods.map(() => new Map<string, string[]>());
  await forEachBillMeter(
    store,
    periods.map((range, i) => ({ key: String(i), meterIds, from: range.start, to: range.end })),
    (key, m) => {
      const i = Number(key);
      const range = periods[i]!;
      const result = consentedConsumption({
        readings: m.readings,
        from: range.start,
        to: range.end,
        groupBy,
        tz,
        consent: contract.consent,
        contractTz: tz,
      });
      byPeriod[i]!.set(
        m.meterId,
        result.buckets.map((b) =>
          [
            m.meterId,
            contract.id,
            groupBy,
            toRfc3339(b.start),
            toRfc3339(b.end),
            cell(b.importWh),
            cell(b.exportWh),
            b.quality,
          ].join(','),
        ),
      );
    },
  );
  return byPeriod.flatMap((lines) => meterIds.flatMap((id) => lines.get(id) ?? []));
}
