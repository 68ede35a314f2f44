import { REGISTER_NAME_RE, type Reading } from '../reading.js';
import { StoreWriteError } from '../reading-store.js';

/** Refuse what InfluxDB would refuse, so both adapters agree on what a storable reading is. */
export function checkStorable(r: Reading): void {
  const ints = {
    ts: r.ts,
    importWh: r.importWh,
    exportWh: r.exportWh ?? 0,
    receivedAt: r.receivedAt,
  };
  for (const [name, v] of Object.entries(ints)) {
    if (!Number.isSafeInteger(v))
      throw new StoreWriteError(
        `reading ${r.meterId}@${r.ts}: ${name} must be a safe integer, got ${v}`,
        false,
      );
  }
  if (r.powerW !== undefined && !Number.isFinite(r.powerW))
    throw new StoreWriteError(`reading ${r.meterId}@${r.ts}: powerW must be finite`, false);
  if (r.meterId === '') throw new StoreWriteError('reading with an empty meterId', false);
  for (const [name, wh] of Object.entries(r.registers ?? {})) {
    if (!REGISTER_NAME_RE.test(name) || !Number.isSafeInteger(wh))
      throw new StoreWriteError(
        `reading ${r.meterId}@${r.ts}: register ${JSON.stringify(name)} must be named like a device register and hold a safe integer`,
        false,
      );
  }
}

/**
 * SQLite errors caused by the data itself are not worth retrying; busy, I/O
 * and full-disk errors are.
 */
export function classifyWriteError(err: unknown): StoreWriteError {
  if (err instanceof StoreWriteError) return err;
  const code = err instanceof Error && 'code' in err ? String(err.code) : '';
  const dataProblem =
    code.startsWith('SQLITE_CONSTRAINT') ||
    code === 'SQLITE_MISMATCH' ||
    code === 'SQLITE_TOOBIG' ||
    err instanceof TypeError ||
    err instanceof RangeError;
  return new StoreWriteError(
    `sqlite write failed: ${err instanceof Error ? err.message : String(err)}`,
    !dataProblem,
  );
}
