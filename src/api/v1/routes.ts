import type { Authenticator } from '../../auth/authenticate.js';
import { meterLookup } from '../../fleet/meter-lookup.js';
import type { AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import { accuracyRoutes } from './accuracy-routes.js';
import { billRoutes } from './bill-routes.js';
import { billingRoutes } from './billing-routes.js';
import { budgetRoutes } from './budget-routes.js';
import { fleetRoutes } from './fleet-routes.js';
import { manualReadingRoutes } from './manual-reading-routes.js';
import { consumptionRoutes } from './consumption-routes.js';
import { fleetListRoutes } from './fleet-list-routes.js';
import { mqttCredentialRoutes } from './mqtt-credentials-routes.js';
import { meterChangeRoutes } from './meter-change-routes.js';
import { contractConsumptionRoutes } from './contract-consumption-routes.js';
import { privacyRoutes } from './privacy-routes.js';
import { rejectionRoutes } from './rejection-routes.js';
import { revenueRoutes } from './revenue-routes.js';

/** Every `/v1` route, grouped by feature. */
export function v1Routes(deps: AppDeps, keys: Pick<Authenticator, 'forget'>) {
  const v1 = createRouter();
  // One per app: the consent route makes the consumption routes forget at once.
  const meters = meterLookup(deps);
  v1.route('/', consumptionRoutes(deps, meters));
  v1.route('/', fleetRoutes(deps, keys));
  v1.route('/', rejectionRoutes(deps));
  v1.route('/', billRoutes(deps));
  v1.route('/', billingRoutes(deps));
  v1.route('/', privacyRoutes(deps, meters, keys));
  v1.route('/', mqttCredentialRoutes(deps));
  v1.route('/', manualReadingRoutes(deps));
  v1.route('/', meterChangeRoutes(deps));
  v1.route('/', contractConsumptionRoutes(deps));
  v1.route('/', revenueRoutes(deps));
  v1.route('/', fleetListRoutes(deps));
  v1.route('/', budgetRoutes(deps));
  v1.route('/', accuracyRoutes(deps));
  return v1;
}
