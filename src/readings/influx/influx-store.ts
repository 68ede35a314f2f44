import type { CounterSpan, Reading, ReadingWindow, WindowRequest } from '../reading.js';
import { StoreWriteError, type ReadingStore } from '../reading-store.js';
import { createInfluxClient, type InfluxClientOptions } from './influx-client.js';
import type { InfluxSeries, InfluxStatementResult } from './influx-results.js';
import { msLiteral, quoteIdent, quoteString } from './influxql.js';
import { deleteInfluxRanges } from './influx-delete.js';
import { MEASUREMENT, REGISTER_FIELD_PREFIX, encodeReading } from './line-protocol.js';
import { columnsOfWindow } from '../register-columns.js';

export type InfluxStoreOptions = InfluxClientOptions;

/**
 * Points per /write request: the documented sweet spot (5,000–10,000), far below the 25 MB body
 * limit.
 */
export const WRITE_CHUNK = 5000;
/**
 * Window requests per /query request (three statements each), so one request body and answer stay
 * modest.
 */
export const WINDOW_CHUNK = 300;

const FIELDS = `import_wh, export_wh, power_w, received_at, ts_source, source, span, /^${REGISTER_FIELD_PREFIX}/`;
// `source` and `span` too: consumption quality and a bill's basis say which values rest on a reading
// taken by a person, and billing must know a meter's final index. Null on nearly every point, they
// add a few bytes a row.
const REGISTER_FIELDS = 'import_wh, export_wh, source, span';

function select(
  meterId: string,
  where: string,
  order: 'ASC' | 'DESC',
  limit?: number,
  fields = FIELDS,
): string {
  const lim = limit === undefined ? '' : ` LIMIT ${limit}`;
  return `SELECT ${fields} FROM ${MEASUREMENT} WHERE meter_id = ${quoteString(meterId)} AND ${where} ORDER BY time ${order}${lim}`;
}

/**
 * Turn one statement's rows into readings. InfluxDB answers nulls for fields a point does not have.
 */
function toReadings(meterId: string, result: InfluxStatementResult | undefined): Reading[] {
  const out: Reading[] = [];
  for (const series of result?.series ?? []) out.push(...seriesReadings(meterId, series));
  return out;
}

function seriesReadings(meterId: string, series: InfluxSeries): Reading[] {
  const col = (name: string) => series.columns.indexOf(name);
  const [iTime, iImport, iExport, iPower, iRecv] = [
    col('time'),
    col('import_wh'),
    col('export_wh'),
    col('power_w'),
    col('received_at'),
  ];
  const num = (row: readonly unknown[], i: number): number | undefined => {
    const v = i < 0 ? undefined : row[i];
    return typeof v === 'number' ? v : undefined;
  };
  const iSource = col('ts_source');
  const iTaken = col('source');
  const iSpan = col('span');
  const registerColumns = series.columns.flatMap((name, i) =>
    name.startsWith(REGISTER_FIELD_PREFIX)
      ? [[name.slice(REGISTER_FIELD_PREFIX.length), i] as const]
      : [],
  );
  const out: Reading[] = [];
  for (const row of series.values ?? []) {
    const ts = num(row, iTime);
    const importWh = num(row, iImport);
    // A point without import_wh was not written by wattledger; skipping it beats failing every
    // window.
    if (ts === undefined || importWh === undefined) continue;
    out.push({
      meterId,
      ts,
      importWh,
      exportWh: num(row, iExport),
      powerW: num(row, iPower),
      receivedAt: num(row, iRecv) ?? ts,
      ...(iSource >= 0 && row[iSource] === 'received' ? { tsSource: 'received' as const } : {}),
      ...(iSpan >= 0 && typeof row[iSpan] === 'string'
        ? { span: JSON.parse(row[iSpan]) as CounterSpan }
        : {}),
      ...takenBy(iTaken < 0 ? undefined : row[iTaken]),
      ...registersOf(row, registerColumns),
    });
  }
  return out;
}

/** Who took a row's reading when a person did (a point without the field is the meter's). */
function takenBy(v: unknown): Pick<Reading, 'source'> {
  return v === 'customer' || v === 'staff' ? { source: v } : {};
}

/** The registers a row holds, if any (columns of other meters' registers answer null). */
function registersOf(
  row: readonly unknown[],
  columns: readonly (readonly [string, number])[],
): Pick<Reading, 'registers'> {
  let registers: Record<string, number> | undefined;
  for (const [name, i] of columns) {
    const v = row[i];
    if (typeof v === 'number')
      (registers ??= Object.create(null) as Record<string, number>)[name] = v;
  }
  return registers === undefined ? {} : { registers: { ...registers } };
}

/**
 * The InfluxDB adapter over the v1 HTTP API: line protocol to /write, InfluxQL to /query.
 * Works with 1.x, 2.x (v1 compatibility; the bucket and its DBRP mapping must exist) and 3.x.
 */
export function createInfluxStore(opts: InfluxStoreOptions): ReadingStore {
  const client = createInfluxClient(opts);

  async function init(): Promise<void> {
    try {
      // Idempotent on 1.x. 2.x (v1 compat) and 3.x refuse it, and a 1.x user without admin rights
      // may not run it: in those cases the database has to exist already, so checking that it
      // answers is enough.
      await client.query(`CREATE DATABASE ${quoteIdent(opts.database)}`, { db: false });
    } catch (createErr) {
      try {
        await client.query(`SHOW MEASUREMENTS LIMIT 1`);
      } catch (checkErr) {
        const why = (e: unknown) => (e instanceof Error ? e.message : String(e));
        throw new Error(
          `influxdb database ${opts.database} is not usable: ${why(checkErr)} (create failed too: ${why(createErr)})`,
          { cause: checkErr },
        );
      }
    }
  }

  async function writeBatch(readings: readonly Reading[]): Promise<void> {
    let lines: string[];
    try {
      // Encode everything before sending anything, so bad data is refused whole and not
      // half-written.
      lines = readings.map(encodeReading);
    } catch (err) {
      throw new StoreWriteError(err instanceof Error ? err.message : String(err), false);
    }
    // Sequential chunks: a retry after a failure rewrites earlier chunks, which is harmless (same
    // keys replace).
    for (let i = 0; i < lines.length; i += WRITE_CHUNK) {
      await client.write(lines.slice(i, i + WRITE_CHUNK).join('\n'));
    }
  }

  async function latest(meterId: string): Promise<Reading | undefined> {
    const [result] = await client.query(
      `SELECT ${FIELDS} FROM ${MEASUREMENT} WHERE meter_id = ${quoteString(meterId)} ORDER BY time DESC LIMIT 1`,
    );
    return toReadings(meterId, result)[0];
  }

  async function windowChunk(
    requests: readonly WindowRequest[],
    out: Map<string, ReadingWindow>,
  ): Promise<void> {
    const statements = requests.flatMap(({ meterId, from, to, fields }) => {
      const f = msLiteral(from, 'from');
      const t = msLiteral(to, 'to');
      const cols = fields === 'registers' ? REGISTER_FIELDS : FIELDS;
      return [
        select(meterId, `time < ${f}`, 'DESC', 1, cols),
        select(meterId, `time >= ${f} AND time <= ${t}`, 'ASC', undefined, cols),
        select(meterId, `time > ${t}`, 'ASC', 1, cols),
      ];
    });
    const results = await client.query(statements.join('; '));
    const byId = new Map(results.map((r) => [r.statement_id, r]));
    requests.forEach(({ meterId }, i) => {
      out.set(meterId, {
        before: toReadings(meterId, byId.get(3 * i))[0],
        inside: toReadings(meterId, byId.get(3 * i + 1)),
        after: toReadings(meterId, byId.get(3 * i + 2))[0],
      });
    });
  }

  async function windows(requests: readonly WindowRequest[]): Promise<Map<string, ReadingWindow>> {
    assertDistinctMeters(requests);
    const out = new Map<string, ReadingWindow>();
    for (let i = 0; i < requests.length; i += WINDOW_CHUNK) {
      await windowChunk(requests.slice(i, i + WINDOW_CHUNK), out);
    }
    return out;
  }

  return {
    kind: 'influxdb',
    init,
    writeBatch,
    latest,
    windows,
    registers: async (meterId, from, to) =>
      columnsOfWindow((await windows([{ meterId, from, to, fields: 'registers' }])).get(meterId)),
    async counterEvents(meterId, from, to) {
      const [result] = await client.query(
        select(
          meterId,
          `span =~ /"event":/ AND time >= ${msLiteral(from, 'from')} AND time <= ${msLiteral(to, 'to')}`,
          'ASC',
        ),
      );
      return toReadings(meterId, result).filter((r) => r.span?.event !== undefined);
    },
    deleteRanges: (meterId, ranges) => deleteInfluxRanges(client, meterId, ranges),
    ping: () => client.ping(),
    close: async () => {},
  };
}

/**
 * The answer is keyed by meter id, so two requests for one meter would overwrite each other: refuse
 * them.
 */
function assertDistinctMeters(requests: readonly WindowRequest[]): void {
  const seen = new Set<string>();
  for (const { meterId } of requests) {
    if (seen.has(meterId))
      throw new RangeError(
        `windows: meter ${meterId} requested twice; merge the ranges into one request`,
      );
    seen.add(meterId);
  }
}
