import type { DemoKeys } from '../../src/demo/seed-fleet.js';
import { startInstance, type TestInstance } from '../support/instance.js';

/** A JSON call to the running server with a key; problem answers come back as bodies too. */
export type Call = <T = unknown>(
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: T }>;

/** A key-bound caller for `httpUrl`. */
export function caller(httpUrl: string, key: string): Call {
  return async (method, path, body) => {
    const res = await fetch(`${httpUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as never };
  };
}

/**
 * Poll `probe` until it returns a value; fail with `what` after `timeoutMs`. No
 * fixed sleeps: conditions only.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 150_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}

export interface DemoServer {
  readonly instance: TestInstance;
  readonly url: string;
  readonly keys: DemoKeys;
  readonly staff: Call;
  readonly admin: Call;
  readonly customer: Call;
}

interface BillBasis {
  readonly basis: { readonly asOf: string | null };
}

/**
 * wattledger with the zero-configuration demo (20 households, 60 days of backlog published by the
 * simulator), in this process. Resolves once every contract's bill stands on a reading of the last
 * 45 minutes, i.e. the backlog is stored. Grace 0 h: a move-out recorded in a test settles in the
 * same test instead of 72 h later; the cron is off so that only the tests settle.
 */
export async function startDemoServer(): Promise<DemoServer> {
  const instance = await startInstance({
    DEMO: 'on',
    SIMULATOR: 'on',
    GRACE_HOURS: '0',
    SETTLE_CRON: 'off',
  });
  const keys = instance.running.demoKeys;
  if (keys === undefined) throw new Error('the demo did not seed its keys');
  const url = instance.running.httpUrl;
  const staff = caller(url, keys.staff);
  await until('the demo backlog in the readings store', async () => {
    const contracts = await staff<{ items: { id: string; consent: string }[] }>(
      'GET',
      '/v1/contracts',
    );
    if (contracts.body.items.length === 0) return undefined;
    // Only an `interval` consent's estimate is as of the latest reading; the others stop at the
    // last local midnight or month start, whatever the backlog.
    for (const c of contracts.body.items.filter((x) => x.consent === 'interval')) {
      const bill = await staff<BillBasis>('GET', `/v1/contracts/${c.id}/bill`);
      const asOf = bill.body.basis.asOf;
      if (asOf === null || Date.parse(asOf) < Date.now() - 45 * 60_000) return undefined;
    }
    return true;
  });
  return {
    instance,
    url,
    keys,
    staff,
    admin: caller(url, keys.admin),
    customer: caller(url, keys.customer),
  };
}
