import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type {
  CounterSpan,
  Reading,
  ReadingRange,
  ReadingWindow,
  WindowRequest,
} from '../reading.js';
import { columnsOfWindow } from '../register-columns.js';
import type { ReadingStore } from '../reading-store.js';
import { checkStorable, classifyWriteError } from './sqlite-write-errors.js';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for tests. The parent folder is created if missing. */
  readonly path: string;
}

interface Row {
  readonly meter_id: string;
  readonly ts: number;
  readonly import_wh: number;
  readonly export_wh: number | null;
  readonly power_w: number | null;
  readonly received_at: number;
  readonly ts_source: string | null;
  /** A multi-register meter's registers as a JSON object, or null. */
  readonly registers: string | null;
  /** `customer` or `staff` for a reading taken by a person; null for a meter's own. */
  readonly source: string | null;
  /** The reading's counter span as JSON, or null. */
  readonly span: string | null;
}

// STRICT makes SQLite refuse 1.5 in an INTEGER column, as InfluxDB refuses a float for an
// integer field. WITHOUT ROWID stores rows clustered by (meter_id, ts): every query below is
// one range scan of that key.
const SCHEMA = `CREATE TABLE IF NOT EXISTS meter_reading (
  meter_id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  import_wh INTEGER NOT NULL,
  export_wh INTEGER NULL,
  power_w REAL NULL,
  received_at INTEGER NOT NULL,
  ts_source TEXT NULL,
  registers TEXT NULL,
  source TEXT NULL,
  span TEXT NULL,
  PRIMARY KEY (meter_id, ts)
) STRICT, WITHOUT ROWID`;

/** Columns added after the first release, for stores created before them. */
const ADDED_COLUMNS = [
  ['ts_source', 'TEXT NULL'],
  ['registers', 'TEXT NULL'],
  ['source', 'TEXT NULL'],
  ['span', 'TEXT NULL'],
] as const;

// Same key replaces, with InfluxDB's exact semantics: fields present in the new point
// overwrite, fields it lacks keep their earlier value (InfluxDB merges the field sets of points
// with the same series and time).
// Registers merge name by name, as InfluxDB merges their fields.
const UPSERT = `INSERT INTO meter_reading
  (meter_id, ts, import_wh, export_wh, power_w, received_at, ts_source, registers, source, span)
VALUES (@meterId, @ts, @importWh, @exportWh, @powerW, @receivedAt, @tsSource, @registers, @source, @span)
ON CONFLICT (meter_id, ts) DO UPDATE SET
  import_wh = excluded.import_wh,
  export_wh = coalesce(excluded.export_wh, export_wh),
  power_w = coalesce(excluded.power_w, power_w),
  received_at = excluded.received_at,
  ts_source = coalesce(excluded.ts_source, ts_source),
  source = coalesce(excluded.source, source),
  span = coalesce(excluded.span, span),
  registers = CASE
    WHEN excluded.registers IS NULL THEN registers
    WHEN registers IS NULL THEN excluded.registers
    ELSE json_patch(registers, excluded.registers) END`;

const COLS =
  'meter_id, ts, import_wh, export_wh, power_w, received_at, ts_source, registers, source, span';

function toReading(row: Row | undefined): Reading | undefined {
  if (row === undefined) return undefined;
  return {
    meterId: row.meter_id,
    ts: row.ts,
    importWh: row.import_wh,
    exportWh: row.export_wh ?? undefined,
    powerW: row.power_w ?? undefined,
    receivedAt: row.received_at,
    ...(row.ts_source === 'received' ? { tsSource: 'received' as const } : {}),
    ...(row.registers === null
      ? {}
      : { registers: JSON.parse(row.registers) as Record<string, number> }),
    ...(row.source === 'customer' || row.source === 'staff' ? { source: row.source } : {}),
    ...(row.span === null ? {} : { span: JSON.parse(row.span) as CounterSpan }),
  };
}

/**
 * The embedded readings store (better-sqlite3). Synchronous underneath; async to match the port.
 * WAL + synchronous=NORMAL: a committed batch survives a process crash but not a power loss.
 * That is the spool's default durability too (SPOOL_SYNC=normal); paying an fsync per batch
 * here alone would buy nothing.
 */
export function createSqliteStore(opts: SqliteStoreOptions): ReadingStore {
  if (opts.path !== ':memory:' && opts.path !== '')
    mkdirSync(path.dirname(opts.path), { recursive: true });
  const db = new Database(opts.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');

  let prepared: ReturnType<typeof prepare> | undefined;
  function prepare() {
    const upsert = db.prepare<[Record<string, unknown>]>(UPSERT);
    const write = db.transaction((readings: readonly Reading[]) => {
      for (const r of readings) {
        upsert.run({
          meterId: r.meterId,
          ts: r.ts,
          importWh: r.importWh,
          exportWh: r.exportWh ?? null,
          powerW: r.powerW ?? null,
          receivedAt: r.receivedAt,
          tsSource: r.tsSource ?? null,
          registers: r.registers === undefined ? null : JSON.stringify(r.registers),
          source: r.source ?? null,
          span: r.span === undefined ? null : JSON.stringify(r.span),
        });
      }
    });
    const latest = db.prepare<[string], Row>(
      `SELECT ${COLS} FROM meter_reading WHERE meter_id = ? ORDER BY ts DESC LIMIT 1`,
    );
    const before = db.prepare<[string, number], Row>(
      `SELECT ${COLS} FROM meter_reading WHERE meter_id = ? AND ts < ? ORDER BY ts DESC LIMIT 1`,
    );
    const inside = db.prepare<[string, number, number], Row>(
      `SELECT ${COLS} FROM meter_reading WHERE meter_id = ? AND ts >= ? AND ts <= ? ORDER BY ts ASC`,
    );
    const after = db.prepare<[string, number], Row>(
      `SELECT ${COLS} FROM meter_reading WHERE meter_id = ? AND ts > ? ORDER BY ts ASC LIMIT 1`,
    );
    // One read transaction: all windows of a call come from the same snapshot.
    const windows = db.transaction((requests: readonly WindowRequest[]) => {
      const out = new Map<string, ReadingWindow>();
      for (const { meterId, from, to } of requests) {
        out.set(meterId, {
          before: toReading(before.get(meterId, from)),
          inside: inside.all(meterId, from, to).map((row) => toReading(row) as Reading),
          after: toReading(after.get(meterId, to)),
        });
      }
      return out;
    });
    const remove = db.prepare<[string, number, number]>(
      'DELETE FROM meter_reading WHERE meter_id = ? AND ts >= ? AND ts <= ?',
    );
    // One transaction: a retention pass over a period is all or nothing.
    const deleteRanges = db.transaction((meterId: string, ranges: readonly ReadingRange[]) =>
      ranges.reduce((n, r) => n + remove.run(meterId, r.from, r.to).changes, 0),
    );
    const counterEvents = db.prepare<[string, number, number], Row>(
      `SELECT ${COLS} FROM meter_reading WHERE meter_id = ? AND ts >= ? AND ts <= ?
        AND span IS NOT NULL AND json_extract(span, '$.event') IS NOT NULL ORDER BY ts ASC`,
    );
    return { write, latest, windows, deleteRanges, counterEvents };
  }
  function stmts() {
    if (prepared === undefined) throw new Error('sqlite store: init() was not called');
    return prepared;
  }

  return {
    kind: 'sqlite',
    async init() {
      db.exec(SCHEMA);
      const have = new Set(
        db
          .prepare<[], { name: string }>('PRAGMA table_info(meter_reading)')
          .all()
          .map((c) => c.name),
      );
      for (const [name, type] of ADDED_COLUMNS)
        if (!have.has(name)) db.exec(`ALTER TABLE meter_reading ADD COLUMN ${name} ${type}`);
      prepared ??= prepare();
    },
    async writeBatch(readings) {
      if (readings.length === 0) return;
      try {
        readings.forEach(checkStorable);
        stmts().write(readings);
      } catch (err) {
        throw classifyWriteError(err);
      }
    },
    async latest(meterId) {
      return toReading(stmts().latest.get(meterId));
    },
    async windows(requests) {
      const seen = new Set<string>();
      for (const { meterId } of requests) {
        // Keyed by meter id: a second request for the same meter would
        // silently overwrite the first.
        if (seen.has(meterId))
          throw new RangeError(
            `windows: meter ${meterId} requested twice; merge the ranges into one request`,
          );
        seen.add(meterId);
      }
      return stmts().windows(requests);
    },
    async registers(meterId, from, to) {
      return columnsOfWindow(
        stmts()
          .windows([{ meterId, from, to, fields: 'registers' }])
          .get(meterId),
      );
    },
    async counterEvents(meterId, from, to) {
      return stmts()
        .counterEvents.all(meterId, from, to)
        .map((row) => toReading(row) as Reading);
    },
    async deleteRanges(meterId, ranges) {
      for (const r of ranges) {
        if (!Number.isSafeInteger(r.from) || !Number.isSafeInteger(r.to))
          throw new RangeError(
            `deleteRanges bounds must be integer epoch ms, got [${r.from}, ${r.to}]`,
          );
      }
      return stmts().deleteRanges(meterId, ranges);
    },
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
