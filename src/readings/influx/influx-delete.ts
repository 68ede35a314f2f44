import type { ReadingRange } from '../reading.js';
import type { InfluxClient } from './influx-client.js';
import type { InfluxStatementResult } from './influx-results.js';
import { MAX_MS, MIN_MS, msLiteral, quoteString } from './influxql.js';
import { MEASUREMENT } from './line-protocol.js';

/**
 * Ranges per /query request: two statements each, so a month of day edges (~100 gaps) is one round
 * trip.
 */
const DELETE_CHUNK = 200;

/** The count a `SELECT COUNT(...)` statement answered (no series: nothing matched). */
function countOf(result: InfluxStatementResult | undefined): number {
  const v = result?.series?.[0]?.values?.[0]?.[1];
  return typeof v === 'number' ? v : 0;
}

const coversAll = (r: ReadingRange) => r.from <= MIN_MS && r.to >= MAX_MS;

/**
 * `ReadingStore.deleteRanges` over InfluxQL. InfluxDB answers a DELETE without a count, so each
 * range is counted first, in the same request as its siblings. Erasing a meter outright
 * (`ALL_TIME`) uses DROP SERIES, which also removes the meter id from the series index; DELETE
 * would leave it there. InfluxQL DELETE and DROP SERIES are served by InfluxDB 1.x (1.6 included).
 * The 2.x v1 compatibility API and 3.x refuse them (2.x deletes through /api/v2/delete; 3.x cannot
 * delete single points), and the refusal is thrown: retention and erasure then fail loudly instead
 * of keeping data silently.
 */
export async function deleteInfluxRanges(
  client: InfluxClient,
  meterId: string,
  ranges: readonly ReadingRange[],
): Promise<number> {
  const where = `meter_id = ${quoteString(meterId)}`;
  if (ranges.some(coversAll)) {
    const [counted] = await client.query(
      `SELECT COUNT(import_wh) FROM ${MEASUREMENT} WHERE ${where}`,
    );
    await client.query(`DROP SERIES FROM ${MEASUREMENT} WHERE ${where}`);
    return countOf(counted);
  }
  let removed = 0;
  for (let i = 0; i < ranges.length; i += DELETE_CHUNK) {
    const conditions = ranges
      .slice(i, i + DELETE_CHUNK)
      .map(
        (r) =>
          `${where} AND time >= ${msLiteral(r.from, 'from')} AND time <= ${msLiteral(r.to, 'to')}`,
      );
    const counts = await client.query(
      conditions.map((c) => `SELECT COUNT(import_wh) FROM ${MEASUREMENT} WHERE ${c}`).join('; '),
    );
    removed += counts.reduce((n, r) => n + countOf(r), 0);
    await client.query(conditions.map((c) => `DELETE FROM ${MEASUREMENT} WHERE ${c}`).join('; '));
  }
  return removed;
}
