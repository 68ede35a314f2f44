import type { Kysely } from 'kysely';
import type { AuthEnv } from '../auth/auth-env.js';
import type { BillingOptions } from '../billing/settlement/billing-deps.js';
import type { LedgerDatabase } from '../ledger/schema.js';
import type { ReadingStore } from '../readings/reading-store.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { HttpLimits } from './limits/http-limits.js';
import type { OpsDeps } from './ops-routes.js';

/**
 * What the HTTP application is built from. In a file of its own so that the routes, which all take
 * it, do not import app.ts, which imports them.
 */
export interface AppDeps {
  readonly ops: OpsDeps;
  readonly db: Kysely<LedgerDatabase>;
  readonly store: ReadingStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly adminKeyHash?: string | undefined;
  /** Settlement settings; the defaults of docs/design.md §5 when absent. */
  readonly billing?: BillingOptions | undefined;
  /** Rate limits and the heavy-query gate; `DEFAULT_HTTP_LIMITS` when absent. */
  readonly limits?: HttpLimits | undefined;
  /** Called after a meter is created over HTTP, so ingest accepts it at once. */
  readonly onMeterAdded?: ((meterId: string) => void | Promise<void>) | undefined;
  /** Master secret of the meters' MQTT passwords; without it their credentials are unknown. */
  readonly meterSecret?: string | undefined;
  /**
   * `DEFAULT_MAX_POWER_W`: readings entered over HTTP are checked by it, as ingest checks the
   * meters', for meters that declare no maximum (100 kW when absent).
   */
  readonly defaultMaxPowerW?: number | undefined;
}

/** Context variables every authenticated route can read: those authentication sets. */
export type ApiEnv = AuthEnv;
