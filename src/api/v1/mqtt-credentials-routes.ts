import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth/authenticate.js';
import { meterCredentials } from '../../broker/meter-credentials.js';
import { DEVICE_FORMATS } from '../../formats/device-format.js';
import { getMeter } from '../../fleet/meters-repo.js';
import { visibilityOf } from '../../fleet/visibility.js';
import { AppError } from '../../shared/app-error.js';
import type { AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import { BEARER, json, meterIdParam, problems } from './schemas.js';

const credentialsSchema = z
  .object({
    username: z.string().openapi({
      example: 'demo-0001',
      description:
        "The device's MQTT login: the meter id, or the `source.login` shared by the meters one bridge speaks for.",
    }),
    password: z.string().openapi({ description: 'Derived from the meter password secret.' }),
    topic: z.string().openapi({
      example: 'meters/demo-0001/readings',
      description: 'Where the device publishes this meter’s readings.',
    }),
    format: z.enum(DEVICE_FORMATS),
  })
  .openapi('MqttCredentials');

const getCredentials = createRoute({
  method: 'get',
  path: '/meters/{meterId}/mqtt-credentials',
  tags: ['fleet'],
  security: BEARER,
  middleware: requireRole('admin'),
  summary: "A meter's MQTT login and topic (admin)",
  description:
    'What to provision on the device: it logs in with this username and password and publishes to this topic (and, in a device format, within its own topic tree) only. Meters behind one bridge share one login. 409 when this process knows no meter password secret (an external broker without METER_PASSWORD_SECRET).',
  request: { params: meterIdParam },
  responses: {
    200: json('the credentials', credentialsSchema),
    ...problems(400, 401, 403, 404, 409),
  },
});

/**
 * `GET /meters/{id}/mqtt-credentials`: provisioning a device needs its password, which is derived
 * rather than stored, so only a holder of the secret can tell it; admins get it here.
 */
export function mqttCredentialRoutes(deps: AppDeps) {
  const r = createRouter();
  r.openapi(getCredentials, async (c) => {
    const meter = await getMeter(
      deps.db,
      visibilityOf(c.get('principal')),
      c.req.valid('param').meterId,
    );
    if (deps.meterSecret === undefined)
      throw new AppError('conflict', 'no meter password secret: set METER_PASSWORD_SECRET');
    return c.json(meterCredentials(deps.meterSecret, meter), 200);
  });
  return r;
}
