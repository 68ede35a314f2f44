import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import { toIso } from '../../shared/time.js';
import type { Reading } from '../reading.js';
import type { TakenBy } from '../register-columns.js';

/** A reading taken by a person, or a staff correction, as the ledger keeps it. */
export interface ManualEntry {
  readonly id: number;
  readonly meterId: string;
  readonly ts: number;
  readonly kind: 'reading' | 'correction';
  readonly source: TakenBy;
  readonly importWh: number;
  readonly exportWh: number | null;
  /** A reading's note, or a correction's reason. */
  readonly note: string | null;
  /** What a correction replaced: the stored reading at `ts`, or null when none was stored. */
  readonly replaced: ReplacedReading | null;
  /** The audit name of who entered it (`key:<id>`). */
  readonly enteredBy: string;
  readonly enteredAt: number;
}

/** The stored reading a correction overwrote, as it was. */
export interface ReplacedReading {
  readonly importWh: number;
  readonly exportWh: number | null;
  readonly powerW: number | null;
  readonly source: 'meter' | TakenBy;
  readonly receivedAt: number;
}

export type NewManualEntry = Omit<ManualEntry, 'id'>;

/** The `replaced` record of a stored reading. */
export const replacedOf = (r: Reading): ReplacedReading => ({
  importWh: r.importWh,
  exportWh: r.exportWh ?? null,
  powerW: r.powerW ?? null,
  source: r.source ?? 'meter',
  receivedAt: r.receivedAt,
});

type Row = {
  id: number;
  meter_id: string;
  ts: string;
  kind: 'reading' | 'correction';
  source: 'customer' | 'staff';
  import_wh: number | string;
  export_wh: number | string | null;
  note: string | null;
  replaced: string | null;
  entered_by: string;
  entered_at: string;
};

const entryOf = (r: Row): ManualEntry => ({
  id: Number(r.id),
  meterId: r.meter_id,
  ts: Date.parse(r.ts),
  kind: r.kind,
  source: r.source,
  importWh: Number(r.import_wh),
  exportWh: r.export_wh === null ? null : Number(r.export_wh),
  note: r.note,
  replaced: r.replaced === null ? null : (JSON.parse(r.replaced) as ReplacedReading),
  enteredBy: r.entered_by,
  enteredAt: Date.parse(r.entered_at),
});

/** Append an entry (inside the caller's transaction when `db` is one); answers it with its id. */
export async function insertManualEntry(
  db: Kysely<LedgerDatabase>,
  e: NewManualEntry,
): Promise<ManualEntry> {
  const row = await db
    .insertInto('manual_readings')
    .values({
      meter_id: e.meterId,
      ts: toIso(e.ts),
      kind: e.kind,
      source: e.source,
      import_wh: e.importWh,
      export_wh: e.exportWh,
      note: e.note,
      replaced: e.replaced === null ? null : JSON.stringify(e.replaced),
      entered_by: e.enteredBy,
      entered_at: toIso(e.enteredAt),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return entryOf(row);
}

/**
 * The latest entry of `kind` for the meter at `ts`: a request sent again after an answer that was
 * lost finds what the first one recorded, rather than recording it twice.
 */
export async function latestManualEntryAt(
  db: Kysely<LedgerDatabase>,
  meterId: string,
  ts: number,
  kind: ManualEntry['kind'],
): Promise<ManualEntry | undefined> {
  const row = await db
    .selectFrom('manual_readings')
    .selectAll()
    .where('meter_id', '=', meterId)
    .where('ts', '=', toIso(ts))
    .where('kind', '=', kind)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : entryOf(row);
}

export interface ManualEntryFilter {
  readonly limit: number;
  /** A cursor from `nextCursor`: only older entries. */
  readonly before?: number | undefined;
  readonly meterId?: string | undefined;
  readonly source?: TakenBy | undefined;
  readonly kind?: ManualEntry['kind'] | undefined;
}

export interface ManualEntryPage {
  readonly items: ManualEntry[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  readonly nextCursor?: number;
}

/** Entries newest first, paginated by id, optionally for one meter, source or kind. */
export async function listManualEntries(
  db: Kysely<LedgerDatabase>,
  f: ManualEntryFilter,
): Promise<ManualEntryPage> {
  let q = db
    .selectFrom('manual_readings')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(f.limit + 1);
  if (f.before !== undefined) q = q.where('id', '<', f.before);
  if (f.meterId !== undefined) q = q.where('meter_id', '=', f.meterId);
  if (f.source !== undefined) q = q.where('source', '=', f.source);
  if (f.kind !== undefined) q = q.where('kind', '=', f.kind);
  const rows = await q.execute();
  const items = rows.slice(0, f.limit).map(entryOf);
  return rows.length > f.limit ? { items, nextCursor: items.at(-1)?.id } : { items };
}
