// Shared by bench:api and bench:scale: one autocannon run whose first requests are not measured,
// timed request by request.
import autocannon from 'autocannon';

/** What a pass reports, as the benches print it. */
export interface TimedPass {
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
}

/** A request's order and send time, kept on its connection's context (one request at a time). */
interface Sent {
  order?: number;
  sentAt?: number;
}

/** Each path in turn, from the first again after the last. */
export function inTurn(paths: readonly string[]): () => string {
  let next = 0;
  return () => paths[next++ % paths.length]!;
}

const percentile = (sorted: readonly number[], p: number) =>
  Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0);

/**
 * `amount` GET requests over `connections` connections, paths from `next` in order. The first
 * `unmeasured` requests sent warm the process's code and open the connections, and are left out of
 * the figures: opening 32 connections at once delays the first requests on them by up to about
 * 150 ms on the development machine, whatever the route (`/healthz` too), and in a pass of about a
 * second that alone would be its p99. A proxy or an app keeps its connections open.
 */
export async function timedPass(opts: {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly connections: number;
  readonly amount: number;
  readonly unmeasured: number;
  readonly next: () => string;
}): Promise<TimedPass> {
  let sent = 0;
  const latencies: number[] = [];
  let started: number | undefined;
  let ended = 0;
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    headers: opts.headers,
    amount: opts.amount,
    requests: [
      {
        method: 'GET',
        setupRequest: (req, context: Sent) => {
          context.order = sent++;
          context.sentAt = performance.now();
          if (context.order === opts.unmeasured) started = context.sentAt;
          return { ...req, path: opts.next() };
        },
        onResponse: (_status, _body, context: Sent) => {
          if ((context.order ?? 0) < opts.unmeasured) return;
          ended = performance.now();
          latencies.push(ended - (context.sentAt ?? ended));
        },
      },
    ],
  });
  latencies.sort((a, b) => a - b);
  const seconds = (ended - (started ?? ended)) / 1000;
  return {
    reqPerSec: seconds > 0 ? Math.round(latencies.length / seconds) : 0,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
