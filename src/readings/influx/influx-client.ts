import pLimit from 'p-limit';
import { StoreWriteError } from '../reading-store.js';

/** Where and how to reach an InfluxDB that serves the v1 HTTP API (1.x, 2.x v1 compatibility, 3.x). */
export interface InfluxClientOptions {
  readonly url: string;
  readonly database: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** 2.x/3.x API token; sent as `Authorization: Token <token>` and preferred over username/password. */
  readonly token?: string | undefined;
  /** Per-request deadline; defaults to 15 s. */
  readonly timeoutMs?: number | undefined;
  /**
   * Queries in flight at once (default 4); the rest wait in order. InfluxDB's throughput drops when many
   * heavy queries compete for its cores, so a bounded queue here keeps tail latency lower than letting
   * every HTTP request reach it at once. Writes are not limited (the flusher sends one batch at a time).
   */
  readonly maxConcurrentQueries?: number | undefined;
}

export interface InfluxSeries {
  readonly name?: string;
  readonly columns: readonly string[];
  readonly values?: readonly (readonly unknown[])[];
}

/** The answer to one InfluxQL statement of a (possibly multi-statement) query. */
export interface InfluxStatementResult {
  readonly statement_id: number;
  readonly series?: readonly InfluxSeries[];
  readonly error?: string;
  /**
   * Set on the statement when the answer is incomplete. `series[].partial` is deliberately ignored:
   * 1.6 merges its internal 10,000-row chunks into one series and leaves `partial: true` on it although
   * every row is there. The catch: a server with a non-zero `max-row-limit` also marks its truncation only
   * there, so such a server can cut a long window short unnoticed (the default limit is 0, unlimited).
   */
  readonly partial?: boolean;
}

export interface InfluxClient {
  /** POST line protocol to /write with `precision=ms`. Throws StoreWriteError classified as retryable or not. */
  write(body: string): Promise<void>;
  /** POST InfluxQL to /query with `epoch=ms`. `db: false` omits the database (for CREATE DATABASE). Throws Error on any failure. */
  query(q: string, opts?: { readonly db?: boolean }): Promise<InfluxStatementResult[]>;
  /** GET /ping; throws unless the server answers 2xx (1.x/2.x say 204, 3.x says 200). */
  ping(): Promise<void>;
}

/** An InfluxQL string literal: backslashes and single quotes escaped, so any meter id is safe to interpolate. */
export function quoteString(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

// InfluxDB stores int64 nanoseconds: these are the representable instants in ms. Clamping lets callers
// ask for "everything after t" with a far-future bound without an out-of-range error.
export const MIN_MS = -9_223_372_036_854;
export const MAX_MS = 9_223_372_036_854;

/** A time bound as an InfluxQL ms-epoch time literal (`1764440100000ms`), clamped to what InfluxDB can hold. */
export function msLiteral(t: number, name: string): string {
  if (!Number.isSafeInteger(t))
    throw new RangeError(`window ${name} must be an integer epoch ms, got ${t}`);
  return `${Math.min(MAX_MS, Math.max(MIN_MS, t))}ms`;
}

/** An InfluxQL double-quoted identifier (database names). */
export function quoteIdent(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The server's own explanation: 1.x `{error}`, 2.x `{message}`, else the raw text or the X-Influxdb-Error header. */
function errorText(body: string, res: Response): string {
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
function describeFailure(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
    const cause = err.cause instanceof Error ? err.cause : undefined;
    const code = cause && 'code' in cause ? String(cause.code) : undefined;
    return [err.message, code ?? cause?.message].filter(Boolean).join(': ');
  }
  return String(err);
}

/**
 * 4xx is the server refusing the data itself (bad line protocol, field type conflict, partial write,
 * missing database, body too large): sending it again cannot help. 408 and 429 are the exceptions: they
 * mean "not now" (InfluxDB Cloud rate limits with 429). 5xx is an outage.
 */
/**
 * Only a refusal of the data itself is final (400 bad line protocol or field type, 413 too large, 422 a
 * 2.x partial write): the flusher isolates those points as rejections. A missing database or bucket (404)
 * and missing credentials (401/403) are set-up problems, not data problems: the batch waits in the
 * spool until an operator fixes them, instead of turning every reading into a rejection.
 */
/**
 * wattledger always writes `import_wh`/`export_wh`/`received_at` as integers and `power_w` as a float, so
 * a field type conflict never comes from the reading: another writer stored the field with another type
 * in this shard, and InfluxDB then refuses every point of the measurement there, whichever meter. That is
 * a set-up problem to fix (drop the foreign points or let the shard roll over); the readings wait in the
 * spool meanwhile instead of all becoming rejections.
 */
function isForeignTypeConflict(message: string): boolean {
  return /field type conflict/i.test(message);
}

function isRetryableStatus(status: number): boolean {
  return !(status === 400 || status === 413 || status === 422);
}

/** Build a client over global fetch. No connection state of its own: fetch pools keep-alive sockets. */
export function createInfluxClient(opts: InfluxClientOptions): InfluxClient {
  const base = opts.url.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const headers: Record<string, string> = {};
  if (opts.token !== undefined) headers.authorization = `Token ${opts.token}`;
  else if (opts.username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}`;
  }

  async function write(body: string): Promise<void> {
    const params = new URLSearchParams({ db: opts.database, precision: 'ms' });
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${base}/write?${params}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw new StoreWriteError(`influxdb write failed: ${describeFailure(err)}`, true);
    }
    if (res.ok) return;
    const message = errorText(text, res);
    throw new StoreWriteError(
      `influxdb write refused (${res.status}): ${message}`,
      isRetryableStatus(res.status) || isForeignTypeConflict(message),
      res.status,
    );
  }

  const limit = pLimit(opts.maxConcurrentQueries ?? 4);

  function query(q: string, qopts?: { readonly db?: boolean }): Promise<InfluxStatementResult[]> {
    return limit(() => runQuery(q, qopts));
  }

  async function runQuery(
    q: string,
    qopts?: { readonly db?: boolean },
  ): Promise<InfluxStatementResult[]> {
    const params = new URLSearchParams({ epoch: 'ms' });
    if (qopts?.db !== false) params.set('db', opts.database);
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${base}/query?${params}`, {
        method: 'POST',
        // No gzip: on a local network, decompressing answers cost more CPU than the bytes saved.
        headers: {
          ...headers,
          'content-type': 'application/x-www-form-urlencoded',
          'accept-encoding': 'identity',
        },
        body: new URLSearchParams({ q }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw new Error(`influxdb query failed: ${describeFailure(err)}`, { cause: err });
    }
    // A syntax error anywhere fails the whole request (400 + top-level error); other errors are per statement.
    if (!res.ok) throw new Error(`influxdb query refused (${res.status}): ${errorText(text, res)}`);
    const results = parseResults(text);
    for (const r of results) {
      if (r.error !== undefined)
        throw new Error(`influxdb query statement ${r.statement_id} failed: ${r.error}`);
      if (r.partial === true)
        throw new Error(
          `influxdb query statement ${r.statement_id} was truncated by the server's row limit`,
        );
    }
    return results;
  }

  async function ping(): Promise<void> {
    let res: Response;
    try {
      res = await fetch(`${base}/ping`, { headers, signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer();
    } catch (err) {
      throw new Error(`influxdb ping failed: ${describeFailure(err)}`, { cause: err });
    }
    if (!res.ok) throw new Error(`influxdb ping answered ${res.status}`);
  }

  return { write, query, ping };
}

/** Narrow the JSON answer of /query without trusting it. */
function parseResults(text: string): InfluxStatementResult[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`influxdb query answered non-JSON: ${text.slice(0, 200)}`);
  }
  const obj =
    typeof json === 'object' && json !== null
      ? (json as { results?: unknown; error?: unknown })
      : {};
  if (typeof obj.error === 'string') throw new Error(`influxdb query failed: ${obj.error}`);
  if (!Array.isArray(obj.results))
    throw new Error(`influxdb query answered without results: ${text.slice(0, 200)}`);
  return obj.results.map((r: unknown, i) => {
    if (typeof r !== 'object' || r === null)
      throw new Error(`influxdb query result ${i} is not an object`);
    const { statement_id: id, series } = r as { statement_id?: unknown; series?: unknown };
    if (series !== undefined && !Array.isArray(series))
      throw new Error(`influxdb query result ${i} has malformed series`);
    return { ...(r as InfluxStatementResult), statement_id: typeof id === 'number' ? id : i };
  });
}
