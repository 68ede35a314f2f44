import type { AppDeps } from '../app.js';
import { createRouter } from '../router.js';
import { fleetRoutes } from './fleet-routes.js';
import { consumptionRoutes } from './consumption-routes.js';

/** Every `/v1` route, grouped by feature. */
export function v1Routes(deps: AppDeps) {
  const v1 = createRouter();
  v1.route('/', consumptionRoutes(deps));
  v1.route('/', fleetRoutes(deps));
  return v1;
}
