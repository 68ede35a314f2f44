import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { CounterSpan, Reading } from '../readings/reading.js';
import { markerOf, type MarkedReading } from './counter-spans.js';
import type { Rejection, RejectionReason } from './rejection.js';

export interface SpooledReading extends MarkedReading {
  readonly seq: number;
}
export interface SpooledRejection extends Rejection {
  readonly seq: number;
}
export interface SpoolBatch {
  readonly readings: SpooledReading[];
  readonly rejections: SpooledRejection[];
}

/**
 * The durable local queue between the PUBACK and the readings store (docs/design.md §2).
 *
 * SQLite in WAL mode, locked exclusively by its one ingest process. Durability: `normal` (default)
 * makes every committed append survive a crash of the process (SIGKILL, OOM kill) — the write has
 * reached the operating system before the PUBACK — and keeps the file consistent through a power
 * loss, which may lose only the last appends. `full` also survives power loss, at one fsync per
 * message, which caps ingest at the disk's fsync rate. The WAL is checkpointed by the flusher
 * (`checkpoint()`), not on the append path, so the fsyncs a checkpoint needs are paid once per many
 * thousand readings.
 */
export interface Spool {
  /**
   * Append one message's outcome atomically; runs before the PUBACK, so it is synchronous and
   * local.
   */
  append(readings: readonly MarkedReading[], rejections: readonly Rejection[]): void;
  /**
   * The oldest entries, at most `limit` readings (and the rejections spooled so far, up to
   * `limit`).
   */
  peek(limit: number): SpoolBatch;
  /** Forget entries once the store and ledger hold them. */
  remove(batch: SpoolBatch): void;
  /** Number of readings waiting. */
  depth(): number;
  /** Number of readings and rejections waiting. */
  pending(): number;
  /**
   * A random id fixed when the spool file was created: makes ids derived from spooled entries
   * unique across files.
   */
  readonly instanceId: string;
  /**
   * Move the WAL into the database file when it has grown (or always with `force`), off the append
   * path.
   */
  checkpoint(force?: boolean): void;
  close(): void;
}

interface ReadingRow {
  seq: number;
  meter_id: string;
  ts: number;
  import_wh: number;
  export_wh: number | null;
  power_w: number | null;
  received_at: number;
  extra: string | null;
  counter_start: string | null;
}
interface RejectionRow {
  seq: number;
  id: string;
  reason: string;
  detail: string;
  meter_id: string | null;
  topic: string;
  payload: string;
  payload_bytes: number;
  received_at: number;
}

/** What the `extra` column holds; `readingOf` reads each of these fields back. */
type ReadingExtra = Pick<Reading, 'tsSource' | 'registers' | 'source' | 'span'>;

/**
 * A reading's span without the device's counter marker, which has a column of its own: a Tasmota
 * reading carries nothing else, and a column costs no JSON on the append path.
 */
function spanBesidesMarker(span: CounterSpan | undefined): CounterSpan | undefined {
  if (span?.counterStart === undefined) return span;
  const { counterStart: _marker, ...rest } = span;
  return Object.values(rest).some((v) => v !== undefined) ? rest : undefined;
}

function extraOf(r: Reading): string | null {
  const span = spanBesidesMarker(r.span);
  if (
    r.tsSource === undefined &&
    r.registers === undefined &&
    r.source === undefined &&
    span === undefined
  )
    return null;
  const extra: ReadingExtra = {
    tsSource: r.tsSource,
    registers: r.registers,
    source: r.source,
    span,
  };
  return JSON.stringify(extra);
}

/** A spooled row as a reading; spools written before the marker's column keep it in `extra`. */
function readingOf(r: ReadingRow): SpooledReading {
  const extra = r.extra === null ? undefined : (JSON.parse(r.extra) as ReadingExtra);
  // Field by field: spreading a parsed JSON object into a reading is V8's slow path (microseconds
  // a reading, and slower objects downstream).
  return {
    seq: r.seq,
    meterId: r.meter_id,
    ts: r.ts,
    importWh: r.import_wh,
    exportWh: r.export_wh ?? undefined,
    powerW: r.power_w ?? undefined,
    receivedAt: r.received_at,
    tsSource: extra?.tsSource,
    registers: extra?.registers,
    source: extra?.source,
    span: extra?.span,
    counterStart: r.counter_start ?? undefined,
  };
}

/** Appends between two checkpoints: about 4 KiB of WAL each, so the WAL stays under ~100 MB. */
const CHECKPOINT_EVERY = 20_000;

/** Open (or create) the spool file; entries left by a previous run are replayed by the flusher. */
export function openSpool(file: string, sync: 'normal' | 'full' = 'normal'): Spool {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // A short busy timeout: the only other holder can be a previous process that is still exiting.
  const db = new Database(file, { timeout: 1000 });
  // Exclusive: no shared-memory index to maintain, and a second process on the same file fails
  // fast.
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('wal_autocheckpoint = 0');
  // Plain rowids (no AUTOINCREMENT, which writes a second page per commit): seq only orders the
  // queue.
  db.exec(`
    CREATE TABLE IF NOT EXISTS reading (seq INTEGER PRIMARY KEY, meter_id TEXT NOT NULL, ts INTEGER NOT NULL,
      import_wh INTEGER NOT NULL, export_wh INTEGER, power_w REAL, received_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS rejection (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, reason TEXT NOT NULL,
      detail TEXT NOT NULL, meter_id TEXT, topic TEXT NOT NULL, payload TEXT NOT NULL, payload_bytes INTEGER NOT NULL,
      received_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`);
  // Device formats' time source and registers, and who took a reading a person entered, as JSON;
  // null for a plain reading. The device's counter marker (Tasmota's TotalStartTime, in nearly
  // every message) as text of its own. Older spools get the columns on open.
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(reading)').all();
  if (!columns.some((c) => c.name === 'extra'))
    db.exec('ALTER TABLE reading ADD COLUMN extra TEXT');
  if (!columns.some((c) => c.name === 'counter_start'))
    db.exec('ALTER TABLE reading ADD COLUMN counter_start TEXT');
  db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(
    'instance_id',
    randomUUID(),
  );
  const instanceId = (
    db.prepare("SELECT value FROM meta WHERE key = 'instance_id'").get() as { value: string }
  ).value;
  const insReading = db.prepare(
    'INSERT INTO reading (meter_id, ts, import_wh, export_wh, power_w, received_at, extra, counter_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insRejection = db.prepare(
    'INSERT INTO rejection (id, reason, detail, meter_id, topic, payload, payload_bytes, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const selReadings = db.prepare<[number], ReadingRow>(
    'SELECT * FROM reading ORDER BY seq LIMIT ?',
  );
  const selRejections = db.prepare<[number], RejectionRow>(
    'SELECT * FROM rejection ORDER BY seq LIMIT ?',
  );
  const delReadings = db.prepare('DELETE FROM reading WHERE seq <= ?');
  const delRejections = db.prepare('DELETE FROM rejection WHERE seq <= ?');
  // The depth is counted once at open and then tracked, so metrics never scan the table.
  let depth = (db.prepare('SELECT count(*) AS n FROM reading').get() as { n: number }).n;
  let rejectionDepth = (db.prepare('SELECT count(*) AS n FROM rejection').get() as { n: number }).n;

  const insertReading = (r: MarkedReading) =>
    insReading.run(
      r.meterId,
      r.ts,
      r.importWh,
      r.exportWh ?? null,
      r.powerW ?? null,
      r.receivedAt,
      extraOf(r),
      markerOf(r) ?? null,
    );
  const appendMany = db.transaction(
    (readings: readonly MarkedReading[], rejections: readonly Rejection[]) => {
      for (const r of readings) insertReading(r);
      for (const j of rejections)
        insRejection.run(
          j.id,
          j.reason,
          j.detail,
          j.meterId,
          j.topic,
          j.payload,
          j.payloadBytes,
          j.receivedAt,
        );
    },
  );
  let appendsSinceCheckpoint = 0;
  const remove = db.transaction((maxReading: number, maxRejection: number) => {
    if (maxReading > 0) delReadings.run(maxReading);
    if (maxRejection > 0) delRejections.run(maxRejection);
  });

  return {
    append(readings, rejections) {
      // One reading per message is the common case: a single statement is its own transaction.
      if (readings.length === 1 && rejections.length === 0) insertReading(readings[0]!);
      else appendMany(readings, rejections);
      appendsSinceCheckpoint += readings.length + rejections.length;
      depth += readings.length;
      rejectionDepth += rejections.length;
    },
    peek(limit) {
      return {
        readings: selReadings.all(limit).map(readingOf),
        rejections: selRejections.all(limit).map((j) => ({
          seq: j.seq,
          id: j.id,
          reason: j.reason as RejectionReason,
          detail: j.detail,
          meterId: j.meter_id,
          topic: j.topic,
          payload: j.payload,
          payloadBytes: j.payload_bytes,
          receivedAt: j.received_at,
        })),
      };
    },
    remove(batch) {
      const maxReading = batch.readings.at(-1)?.seq ?? 0;
      remove(maxReading, batch.rejections.at(-1)?.seq ?? 0);
      depth -= batch.readings.length;
      rejectionDepth -= batch.rejections.length;
    },
    depth: () => depth,
    pending: () => depth + rejectionDepth,
    instanceId,
    checkpoint(force = false) {
      if (!force && appendsSinceCheckpoint < CHECKPOINT_EVERY) return;
      // TRUNCATE when empty gives the disk back; PASSIVE otherwise never waits.
      db.pragma(
        depth + rejectionDepth === 0 ? 'wal_checkpoint(TRUNCATE)' : 'wal_checkpoint(PASSIVE)',
      );
      appendsSinceCheckpoint = 0;
    },
    close: () => db.close(),
  };
}
