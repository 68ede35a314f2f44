import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import { backoffDelay } from '../../shared/backoff.js';
import { StoreWriteError } from '../reading-store.js';
import {
  describeFailure,
  errorText,
  isForeignTypeConflict,
  isRetryableStatus,
  isTransientStatementError,
} from './influx-errors.js';
import { parseResults, type InfluxStatementResult } from './influx-results.js';

/**
 * Where and how to reach an InfluxDB that serves the v1 HTTP API (1.x, 2.x v1 compatibility, 3.x).
 */
export interface InfluxClientOptions {
  readonly url: string;
  readonly database: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /**
   * 2.x/3.x API token; sent as `Authorization: Token <token>` and preferred over username/password.
   */
  readonly token?: string | undefined;
  /** Per-request deadline; defaults to 15 s. */
  readonly timeoutMs?: number | undefined;
  /**
   * Queries in flight at once (default 4); the rest wait in order. InfluxDB's throughput drops
   * when many heavy queries compete for its cores, so a bounded queue here keeps tail latency
   * lower than letting every HTTP request reach it at once. Writes are not limited (the flusher
   * sends one batch at a time).
   */
  readonly maxConcurrentQueries?: number | undefined;
  /**
   * Times a query is sent in all when a statement fails for a passing reason (default 5, so up to
   * about 1.5 s of waiting); see `isTransientStatementError`.
   */
  readonly queryAttempts?: number | undefined;
}

export interface InfluxClient {
  /**
   * POST line protocol to /write with `precision=ms`. Throws StoreWriteError
   * classified as retryable or not.
   */
  write(body: string): Promise<void>;
  /**
   * POST InfluxQL to /query with `epoch=ms`. `db: false` omits the database (for CREATE DATABASE).
   * Every statement sent must be idempotent (SELECT, SHOW, CREATE, DELETE, DROP): when one fails
   * for a passing reason the whole request is sent again, after a short backoff. Throws Error on
   * any other failure, and on a passing one that outlasts the attempts.
   */
  query(q: string, opts?: { readonly db?: boolean }): Promise<InfluxStatementResult[]>;
  /** GET /ping; throws unless the server answers 2xx (1.x/2.x say 204, 3.x says 200). */
  ping(): Promise<void>;
}

/**
 * Build a client over global fetch. No connection state of its own: fetch pools keep-alive sockets.
 */
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
  const attempts = opts.queryAttempts ?? 5;

  async function query(
    q: string,
    qopts?: { readonly db?: boolean },
  ): Promise<InfluxStatementResult[]> {
    for (let attempt = 1; ; attempt++) {
      const results = await limit(() => runQuery(q, qopts));
      const failed = results.find((r) => r.error !== undefined);
      const passing = failed?.error !== undefined && isTransientStatementError(failed.error);
      if (!passing || attempt >= attempts)
        return checked(results, attempt > 1 ? ` (${attempt} attempts)` : '');
      // Outside the queue's slot, so other queries go on meanwhile.
      await sleep(backoffDelay(attempt, 50, 1_000));
    }
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
    // A syntax error anywhere fails the whole request (400 + top-level error); other
    // errors are per statement.
    if (!res.ok) throw new Error(`influxdb query refused (${res.status}): ${errorText(text, res)}`);
    return parseResults(text);
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

/** The statements, unless one failed or was cut short; `tries` is said after the failure. */
function checked(results: InfluxStatementResult[], tries = ''): InfluxStatementResult[] {
  for (const r of results) {
    if (r.error !== undefined)
      throw new Error(`influxdb query statement ${r.statement_id} failed${tries}: ${r.error}`);
    if (r.partial === true)
      throw new Error(
        `influxdb query statement ${r.statement_id} was truncated by the server's row limit`,
      );
  }
  return results;
}
