import { DEVICE_FORMATS } from '../../formats/device-format.js';
import { z } from '@hono/zod-openapi';
import { tariffSchema } from '../../billing/tariff-schema.js';
import { CONSENT_LEVELS } from '../../privacy/consent.js';

const instant = z.string().openapi({ format: 'date-time', example: '2026-11-29T18:15:00.000Z' });

export const customerSchema = z
  .object({
    id: z.string().openapi({ example: 'cus_5k2m9x0q4r7t1v8w' }),
    name: z.string(),
    email: z.string().nullable(),
    createdAt: instant,
  })
  .openapi('Customer');

export const tariffResponseSchema = tariffSchema
  .extend({ id: z.string().openapi({ example: 'trf_5k2m9x0q4r7t1v8w' }), createdAt: instant })
  .openapi('Tariff');

export const contractSchema = z
  .object({
    id: z.string().openapi({ example: 'ctr_5k2m9x0q4r7t1v8w' }),
    customerId: z.string(),
    tariffId: z.string(),
    timezone: z.string().openapi({ example: 'Europe/Paris' }),
    startsAt: instant,
    endsAt: instant.nullable(),
    createdAt: instant,
    consent: z.enum(CONSENT_LEVELS).openapi({
      description:
        'The finest consumption granularity the customer allows to be shown and kept: `month` (default), `day` or `interval` (15 minutes).',
    }),
  })
  .openapi('Contract');

export const meterSchema = z
  .object({
    id: z.string().openapi({ example: 'demo-0001' }),
    contractId: z.string().nullable(),
    installedAt: instant,
    maxPowerW: z.number().nullable(),
    format: z.enum(DEVICE_FORMATS).openapi({
      description:
        'How the device speaks: `wattledger` (JSON on meters/{id}/readings) or a device format (docs/formats/).',
    }),
    source: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({
        description:
          'The exact topic the device publishes on, its MQTT login (shared by the meters of one bridge) and the format options; null for the wattledger format.',
        example: { topic: 'tele/plug-1/SENSOR' },
      }),
    counterResets: z.enum(['reject', 'new-span']).openapi({
      description:
        'A register going down: a rejection (`reject`) or a counter restarted from 0 (`new-span`).',
    }),
    registerMaxWh: z
      .number()
      .nullable()
      .openapi({ description: 'Where the register wraps to 0; null when it does not.' }),
    decreaseToleranceWh: z.number().openapi({
      description: 'A dip up to this many Wh is rounding: the index holds at its previous value.',
    }),
    removedAt: instant.nullable().openapi({
      description: 'When an exchange took the meter out; later readings are refused.',
    }),
  })
  .openapi('Meter');

export const apiKeySchema = z
  .object({
    id: z.string().openapi({ example: 'key_5k2m9x0q4r7t1v8w' }),
    role: z.enum(['customer', 'staff', 'admin']),
    customerId: z.string().nullable(),
    createdAt: instant,
    revokedAt: instant.nullable(),
  })
  .openapi('ApiKey');

export const createdApiKeySchema = apiKeySchema
  .extend({
    key: z.string().openapi({
      description: 'The key itself: shown in this answer only, stored hashed.',
      example: 'wl_customer_…',
    }),
  })
  .openapi('CreatedApiKey');
