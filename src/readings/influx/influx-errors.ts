/**
 * The server's own explanation: 1.x `{error}`, 2.x `{message}`, else the raw text or
 * the X-Influxdb-Error header.
 */
export function errorText(body: string, res: Response): string {
  try {
    const json: unknown = JSON.parse(body);
    if (typeof json === 'object' && json !== null) {
      const { error, message } = json as { error?: unknown; message?: unknown };
      if (typeof error === 'string') return error;
      if (typeof message === 'string') return message;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return (body.trim() || res.headers.get('x-influxdb-error') || res.statusText).slice(0, 2000);
}

/** What fetch threw, in words an operator can act on (fetch hides ECONNREFUSED in `cause`). */
export function describeFailure(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
    const cause = err.cause instanceof Error ? err.cause : undefined;
    const code = cause && 'code' in cause ? String(cause.code) : undefined;
    return [err.message, code ?? cause?.message].filter(Boolean).join(': ');
  }
  return String(err);
}

/**
 * Only a refusal of the data itself is final (400 bad line protocol or field type, 413 too
 * large, 422 a 2.x partial write): the flusher isolates those points as rejections. A missing
 * database or bucket (404) and missing credentials (401/403) are set-up problems, not data
 * problems: the batch waits in the spool until an operator fixes them, instead of turning every
 * reading into a rejection.
 */
export function isRetryableStatus(status: number): boolean {
  return !(status === 400 || status === 413 || status === 422);
}

/**
 * wattledger always writes `import_wh`/`export_wh`/`received_at` as integers and `power_w` as a
 * float, so a field type conflict never comes from the reading: another writer stored the field
 * with another type in this shard, and InfluxDB then refuses every point of the measurement there,
 * whichever meter. That is a set-up problem to fix (drop the foreign points or let the shard roll
 * over); the readings wait in the spool meanwhile instead of all becoming rejections.
 */
export function isForeignTypeConflict(message: string): boolean {
  return /field type conflict/i.test(message);
}

/**
 * A statement error that means "not now" rather than "never". InfluxDB 1.x runs a DELETE or DROP
 * SERIES across the shards of every database, so while any shard is closing (a retention policy
 * expiring it, another database dropped) the statement fails with `engine is closed`, or is
 * interrupted before it starts and answers `not executed` for its first statement. Measured on
 * 1.6 with another database dropped over and over: about one DELETE in a hundred failed so, while
 * SELECTs were not affected. The same statement sent again succeeds.
 */
export function isTransientStatementError(error: string): boolean {
  return /engine is closed/i.test(error) || error === 'not executed';
}
