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
 * 4xx is the server refusing the data itself (bad line protocol, field type conflict, partial
 * write, missing database, body too large): sending it again cannot help. 408 and 429 are the
 * exceptions: they mean "not now" (InfluxDB Cloud rate limits with 429). 5xx is an outage.
 */
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
