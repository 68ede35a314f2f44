import { periodsBetween } from '../../billing/periods/billing-periods.js';
import { snapRange } from '../../consumption/group-by.js';
import type { Contract } from '../../fleet/contracts.js';
import type { ReadingStore } from '../../readings/reading-store.js';
import { toRfc3339 } from '../../shared/time.js';
import { GROUP_BY_OF_CONSENT } from '../consent.js';
import { consentedConsumption } from '../consented-consumption.js';

/** The header of `readings.csv`. */
export const CSV_HEADER = 'meter_id,contract_id,granularity,start,end,import_wh,export_wh,quality';

/** Meters per store read. */
const METERS_PER_READ = 25;

const cell = (v: number | null) => (v === null ? '' : String(v));

/**
 * A contract's consumption per meter as CSV lines (no header), at the granularity its consent allows
 * (`month`, `day` or `15m`) and under the same rules as the consumption API, from the contract start
 * to its end or `now`. Computed one billing period at a time, so a long contract at 15 minutes stays
 * within the consumption core's bucket limit; its meters are read a few at a time.
 */
export async function consumptionCsv(store: Pick<ReadingStore, 'windows'>, contract: Contract, meterIds: readonly string[], now: number): Promise<string[]> {
  const end = Math.min(contract.endsAt ?? now, now);
  if (meterIds.length === 0 || end <= contract.startsAt) return [];
  const groupBy = GROUP_BY_OF_CONSENT[contract.consent];
  const tz = contract.timezone;
  const lines: string[] = [];
  for (const period of periodsBetween(contract, contract.startsAt, end)) {
    const range = snapRange(period.start, Math.min(period.end, end), groupBy, tz);
    // A few meters per store call: a contract of hundreds of meters never has a month of all their readings in memory.
    for (let i = 0; i < meterIds.length; i += METERS_PER_READ) {
      const part = meterIds.slice(i, i + METERS_PER_READ);
      const windows = await store.windows(part.map((meterId) => ({ meterId, from: range.start, to: range.end, fields: 'registers' as const })));
      for (const meterId of part) {
        const w = windows.get(meterId);
        const readings = w === undefined ? [] : [w.before, ...w.inside, w.after].filter((r) => r !== undefined);
        const result = consentedConsumption({ readings, from: range.start, to: range.end, groupBy, tz, consent: contract.consent, contractTz: tz });
        for (const b of result.buckets) {
          lines.push([meterId, contract.id, groupBy, toRfc3339(b.start), toRfc3339(b.end), cell(b.importWh), cell(b.exportWh), b.quality].join(','));
        }
      }
    }
  }
  return lines;
}
