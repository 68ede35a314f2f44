import { expect } from 'vitest';
import type { TestApi } from '../support/api.js';

import { DESIGN_TARIFF } from '../support/design-tariff.js';

export { DESIGN_TARIFF };

export type Json = Record<string, unknown>;

/** Call and expect `status`; returns the JSON body. */
export async function expectCall(
  api: TestApi,
  status: number,
  method: string,
  path: string,
  opts: Parameters<TestApi['call']>[2] = {},
): Promise<Json> {
  const res = await api.call(method, path, opts);
  expect(res.status, `${method} ${path} -> ${JSON.stringify(res.body)}`).toBe(status);
  return res.body as Json;
}

/** POST as admin, expect 201, return the created resource. */
export async function create(api: TestApi, path: string, body: unknown): Promise<Json> {
  return expectCall(api, 201, 'POST', path, { body });
}

/** The id of a created resource. */
export function idOf(resource: Json): string {
  const id = resource.id;
  if (typeof id !== 'string') throw new Error(`no id in ${JSON.stringify(resource)}`);
  return id;
}

export interface Household {
  readonly customerId: string;
  readonly tariffId: string;
  readonly contractId: string;
  readonly meterId: string;
  /** A customer key bound to this household's customer. */
  readonly key: string;
}

/**
 * A customer with a contract on the tariff of docs/design.md §5, one meter and a customer key,
 * created over HTTP. With `consent`, the contract's consent is set to it (by the admin); otherwise
 * it keeps the default, `month`.
 */
export async function createHousehold(
  api: TestApi,
  meterId: string,
  tariffId?: string,
  opts: { consent?: 'month' | 'day' | 'interval' } = {},
): Promise<Household> {
  const customerId = idOf(await create(api, '/v1/customers', { name: `Household ${meterId}` }));
  const tId = tariffId ?? idOf(await create(api, '/v1/tariffs', DESIGN_TARIFF));
  const contractId = idOf(
    await create(api, '/v1/contracts', {
      customerId,
      tariffId: tId,
      timezone: 'Europe/Paris',
      startsAt: '2026-03-01T00:00:00+01:00',
    }),
  );
  await create(api, '/v1/meters', {
    id: meterId,
    contractId,
    installedAt: '2026-03-01T00:00:00+01:00',
  });
  if (opts.consent !== undefined)
    await expectCall(api, 200, 'PUT', `/v1/contracts/${contractId}/consent`, {
      body: { granularity: opts.consent },
    });
  const key = (await create(api, '/v1/api-keys', { role: 'customer', customerId })).key;
  if (typeof key !== 'string') throw new Error('no key');
  return { customerId, tariffId: tId, contractId, meterId, key };
}

/** A key of `role` (staff or admin), created over HTTP. */
export async function createKey(api: TestApi, role: 'staff' | 'admin'): Promise<string> {
  const key = (await create(api, '/v1/api-keys', { role })).key;
  if (typeof key !== 'string') throw new Error('no key');
  return key;
}
