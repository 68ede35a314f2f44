import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/shared/clock.js';
import type { TestApi } from '../support/api.js';
import { DESIGN_TARIFF, type Json } from './fleet-fixtures.js';
import { NOW, type Clock } from './fleet-admin-suite.js';

const JSON_TYPE = { 'content-type': 'application/json' };

/**
 * Every class of bad request body answers problem+json 4xx with a useful detail and stores nothing.
 */
export function describeRequestValidation(
  name: string,
  open: (clock: Clock) => Promise<TestApi>,
): void {
  describe(`fleet request validation: ${name}`, () => {
    let api: TestApi;
    beforeEach(async () => {
      api = await open(manualClock(NOW));
    });
    afterEach(async () => {
      await api.close();
    });

    const expectProblem = async (
      res: Awaited<ReturnType<TestApi['call']>>,
      status: number,
      code: string,
      detail: string | RegExp,
    ) => {
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.type).toBe('application/problem+json');
      expect(res.body).toMatchObject({ status, code, type: `urn:wattledger:problem:${code}` });
      expect((res.body as Json).detail).toMatch(detail);
      expect(await api.ledger.db.selectFrom('customers').selectAll().execute()).toEqual([]);
    };

    it.each(['/v1/customers', '/v1/tariffs', '/v1/contracts', '/v1/meters', '/v1/api-keys'])(
      '%s: malformed JSON is 400, not 500',
      async (path) => {
        await expectProblem(
          await api.call('POST', path, { rawBody: '{"name": "A",', headers: JSON_TYPE }),
          400,
          'bad_request',
          /Malformed JSON/,
        );
        await expectProblem(
          await api.call('POST', path, { headers: JSON_TYPE }),
          400,
          'bad_request',
          /Malformed JSON/,
        );
      },
    );

    it.each(['/v1/customers', '/v1/tariffs', '/v1/contracts', '/v1/meters', '/v1/api-keys'])(
      '%s: a body that is not application/json is 415',
      async (path) => {
        await expectProblem(
          await api.call('POST', path, {
            rawBody: 'name=A',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          }),
          415,
          'unsupported_media_type',
          /Unsupported Media Type/,
        );
        await expectProblem(
          await api.call('POST', path, {
            rawBody: '{"name":"A"}',
            headers: { 'content-type': 'text/plain' },
          }),
          415,
          'unsupported_media_type',
          /Unsupported Media Type/,
        );
        await expectProblem(
          await api.call('POST', path, { rawBody: '{"name":"A"}' }),
          415,
          'unsupported_media_type',
          /Unsupported Media Type/,
        );
      },
    );

    it('accepts application/json with a charset', async () => {
      const res = await api.call('POST', '/v1/customers', {
        rawBody: '{"name":"A"}',
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
      expect(res.status).toBe(201);
    });

    it.each<[string, unknown, RegExp]>([
      ['an empty object', {}, /name: Invalid input: expected string, received undefined/],
      ['an array', [{ name: 'A' }], /expected object, received array/],
      ['null', null, /expected object, received null/],
      [
        'a number for the name',
        { name: 42 },
        /name: Invalid input: expected string, received number/,
      ],
      ['an empty name', { name: '' }, /name: must not be empty/],
      ['a bad e-mail', { name: 'A', email: 'not-an-address' }, /email: must be an e-mail address/],
    ])('POST /v1/customers with %s is 400 validation_failed', async (_what, body, detail) => {
      await expectProblem(
        await api.call('POST', '/v1/customers', { body }),
        400,
        'validation_failed',
        detail,
      );
    });

    it('lists every problem of a tariff at once, with paths', async () => {
      const bad = {
        ...DESIGN_TARIFF,
        currency: 'euro',
        versions: [
          { ...DESIGN_TARIFF.versions[0], standingChargePerDay: 0.45, energy: { type: 'spot' } },
        ],
      };
      const res = await api.call('POST', '/v1/tariffs', { body: bad });
      await expectProblem(res, 400, 'validation_failed', /currency: must be an ISO 4217 code/);
      expect((res.body as Json).detail).toContain(
        'versions.0.standingChargePerDay: must be a decimal string such as "0.2081", not a JSON number',
      );
      expect((res.body as Json).detail).toContain(
        'versions.0.energy.type: must be "flat", "tou" or "tiered"',
      );
      expect(await api.ledger.db.selectFrom('tariffs').selectAll().execute()).toEqual([]);
    });

    it('refuses unknown fields, also inside the tariff document, naming each', async () => {
      const res = await api.call('POST', '/v1/tariffs', {
        body: {
          ...DESIGN_TARIFF,
          note: 'x',
          versions: [{ ...DESIGN_TARIFF.versions[0], colour: 'red' }],
        },
      });
      expect(res.status).toBe(400);
      expect((res.body as Json).detail).toContain('"note"');
      expect((res.body as Json).detail).toContain('versions.0: Unrecognized key: "colour"');
      expect(await api.ledger.db.selectFrom('tariffs').selectAll().execute()).toEqual([]);
    });

    it('refuses bodies over 1 MiB with 413', async () => {
      const res = await api.call('POST', '/v1/customers', {
        body: { name: 'A', padding: 'x'.repeat(1024 * 1024) },
      });
      await expectProblem(res, 413, 'payload_too_large', /1 MiB/);
    });

    it('documents every fleet route in /openapi.json with its bearer security and problem answers', async () => {
      const res = await api.call('GET', '/openapi.json', { key: null });
      expect(res.status).toBe(200);
      const doc = res.body as {
        paths: Record<
          string,
          Record<
            string,
            { security?: unknown; responses: Record<string, { content?: Record<string, unknown> }> }
          >
        >;
        components: { schemas: Record<string, unknown> };
      };
      const expected = [
        ['post', '/v1/customers'],
        ['get', '/v1/customers'],
        ['get', '/v1/customers/{id}'],
        ['get', '/v1/customers/me'],
        ['post', '/v1/tariffs'],
        ['get', '/v1/tariffs'],
        ['get', '/v1/tariffs/{id}'],
        ['post', '/v1/contracts'],
        ['get', '/v1/contracts'],
        ['get', '/v1/contracts/{id}'],
        ['post', '/v1/meters'],
        ['get', '/v1/meters'],
        ['get', '/v1/meters/{meterId}'],
        ['post', '/v1/api-keys'],
        ['get', '/v1/api-keys'],
        ['delete', '/v1/api-keys/{id}'],
      ] as const;
      for (const [method, path] of expected) {
        const op = doc.paths[path]?.[method];
        expect(op, `${method} ${path}`).toBeDefined();
        expect(op?.security).toEqual([{ bearer: [] }]);
        expect(Object.keys(op?.responses ?? {}).find((s) => s.startsWith('2'))).toBeDefined();
        expect(op?.responses['401']?.content).toHaveProperty(['application/problem+json']);
      }
      expect(Object.keys(doc.components.schemas)).toEqual(
        expect.arrayContaining([
          'Problem',
          'Customer',
          'Tariff',
          'TariffDocument',
          'Contract',
          'Meter',
          'CreatedApiKey',
        ]),
      );
    });
  });
}
