import { hostname } from 'node:os';
import path from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';
import { zodIssueLine } from './shared/zod-issues.js';

const optionalString = z.string().trim().min(1).optional().catch(undefined);
const flag = z.enum(['auto', 'on', 'off']);

/**
 * Every setting wattledger reads from the environment. Parsed once in main.ts, frozen, passed down.
 */
export const configSchema = z.object({
  /**
   * Which parts run in this process: `all` (one process), or one of `api`, `ingest`, `jobs` to
   * scale each apart.
   */
  ROLE: z.enum(['all', 'api', 'ingest', 'jobs']).default('all'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DATA_DIR: z.string().default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  MQTT_URL: z.url({ protocol: /^(mqtt|mqtts|ws|wss)$/ }).optional(),
  MQTT_USERNAME: optionalString,
  MQTT_PASSWORD: optionalString,
  MQTT_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .default(
      `wattledger-ingest-${hostname()
        .replace(/[^A-Za-z0-9._-]/g, '-')
        .slice(0, 40)}`,
    ),
  MQTT_SHARE_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
  MQTT_PROTOCOL_VERSION: z.coerce
    .number()
    .pipe(z.union([z.literal(4), z.literal(5)]))
    .default(5),
  MQTT_SESSION_EXPIRY_S: z.coerce
    .number()
    .int()
    .min(1)
    .default(7 * 24 * 3600),
  MQTT_HOST: z.string().default('127.0.0.1'),
  MQTT_PORT: z.coerce.number().int().min(0).max(65535).default(1883),
  /**
   * PEM files for `mqtts://`: a private CA to trust, and a client certificate + key when the broker
   * asks for one.
   */
  MQTT_CA_FILE: optionalString,
  MQTT_CERT_FILE: optionalString,
  MQTT_KEY_FILE: optionalString,
  /**
   * Embedded broker only: let clients in without credentials, with no ACL (local trials). Off by
   * default; a loud warning is logged at start when on.
   */
  MQTT_ALLOW_ANONYMOUS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Largest MQTT packet the embedded broker accepts, bytes; also `broker-auth`'s max_packet_size. */
  MQTT_MAX_PACKET_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(268_435_455)
    .default(1024 * 1024),
  /**
   * Master secret each meter's MQTT password derives from. Unset, the embedded broker generates
   * one and keeps it in DATA_DIR/mqtt-meter-secret.
   */
  METER_PASSWORD_SECRET: z
    .string()
    .min(32, 'METER_PASSWORD_SECRET must be at least 32 characters')
    .optional(),

  INFLUX_URL: z.url({ protocol: /^https?$/ }).optional(),
  INFLUX_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('energy'),
  INFLUX_USERNAME: optionalString,
  INFLUX_PASSWORD: optionalString,
  INFLUX_TOKEN: optionalString,
  INFLUX_MAX_CONCURRENT_QUERIES: z.coerce.number().int().min(1).max(256).default(4),
  /** Memory for the API's cache of sealed readings (src/readings/cache); 0 turns it off. */
  READINGS_CACHE_MB: z.coerce.number().int().min(0).max(65_536).default(128),
  /**
   * How often the API reads the readings change feed: the longest a cached answer lags a late
   * reading or a delete.
   */
  READINGS_CACHE_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),

  /** When set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise). */
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  /** Sustained requests per second per API key (and per address failing authentication); 0: off. */
  RATE_LIMIT_PER_S: z.coerce.number().min(0).max(1_000_000).default(10_000),
  /** Requests a key may send at once after a quiet spell (the token bucket's capacity). */
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(10_000_000).default(20_000),
  /** Heavy queries (consumption, bills, export) running at once in an API process. */
  HEAVY_QUERY_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(4),
  /** Heavy queries allowed to wait for a slot; beyond, 503 `overloaded`. */
  HEAVY_QUERY_QUEUE: z.coerce.number().int().min(0).max(100_000).default(1000),

  DATABASE_URL: z.string().optional(),
  /** Bootstrap admin key: lets the first admin create the fleet and further keys. */
  ADMIN_API_KEY: z.string().min(16, 'ADMIN_API_KEY must be at least 16 characters').optional(),

  FLUSH_BATCH_SIZE: z.coerce.number().int().min(1).max(50_000).default(5000),
  FLUSH_LINGER_MS: z.coerce.number().int().min(0).max(60_000).default(100),
  SPOOL_SYNC: z.enum(['normal', 'full']).default('normal'),
  /**
   * How often ingest reads device bindings (meters bound to a device topic) from the ledger, to
   * hear of meters bound by another process. Binding through this process's API takes effect at once.
   */
  BINDINGS_REFRESH_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  DEFAULT_MAX_POWER_W: z.coerce.number().positive().default(100_000),

  /**
   * When the settlement job runs (cron syntax, 5 or 6 fields); `off` disables the schedule in this
   * process.
   */
  SETTLE_CRON: z
    .string()
    .trim()
    .refine(
      (v) => v === 'off' || cron.validate(v),
      'must be a cron expression such as "*/15 * * * *", or "off"',
    )
    .default('*/15 * * * *'),
  /**
   * When the jobs process summarises sealed local days for the consumption API's cold path (cron
   * syntax); `off` disables it in this process.
   */
  DAY_SUMMARY_CRON: z
    .string()
    .trim()
    .refine(
      (v) => v === 'off' || cron.validate(v),
      'must be a cron expression such as "* * * * *", or "off"',
    )
    .default('* * * * *'),
  /** Grace window after a period ends, during which late readings are awaited before settlement. */
  GRACE_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 90)
    .default(72),
  /** Late readings of periods that ended longer ago than this are reported, not billed. */
  BACK_BILLING_MONTHS: z.coerce.number().int().min(1).max(120).default(14),
  /**
   * When the retention job reduces stored readings to what consent and billing need; `off` disables
   * it here.
   */
  RETENTION_CRON: z
    .string()
    .trim()
    .refine(
      (v) => v === 'off' || cron.validate(v),
      'must be a cron expression such as "30 3 * * *", or "off"',
    )
    .default('30 3 * * *'),
  /**
   * Interval readings of periods that ended longer ago than this are reduced to daily indexes at
   * most.
   */
  RETENTION_MONTHS: z.coerce.number().int().min(1).max(120).default(12),

  /**
   * For tests only: wattledger's clock reads this instant (RFC 3339) at start-up, then runs at real
   * speed. Unset, it is the system clock.
   */
  CLOCK_START: z.iso.datetime({ offset: true }).optional(),

  DEMO: flag.default('auto'),
  SIMULATOR: flag.default('auto'),
  SIMULATOR_METERS: z.coerce.number().int().min(1).max(100_000).default(20),
});

export type RawConfig = z.infer<typeof configSchema>;

/**
 * Settings that only make sense together with a role: an ingest process needs a broker to subscribe
 * to.
 */
function roleRules(c: RawConfig, ctx: z.RefinementCtx): void {
  if (c.ROLE === 'ingest' && c.MQTT_URL === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['MQTT_URL'],
      message: 'ROLE=ingest needs MQTT_URL: the embedded broker runs only with ROLE=all',
    });
  }
  if ((c.MQTT_CERT_FILE === undefined) !== (c.MQTT_KEY_FILE === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['MQTT_CERT_FILE'],
      message: 'MQTT_CERT_FILE and MQTT_KEY_FILE go together',
    });
  }
}

/** Parsed configuration with derived values. */
export interface Config extends RawConfig {
  /** True when no external broker/store/ledger is configured: aedes + SQLite in one process. */
  readonly embeddedBroker: boolean;
  readonly embeddedStore: boolean;
  readonly ledgerUrl: string;
  readonly spoolPath: string;
  readonly demo: boolean;
  readonly simulator: boolean;
}

/**
 * Parse and freeze the configuration from `env`, with `overrides` (e.g. `serve --role`) on top.
 * Throws a readable error listing every bad variable.
 */
export function parseConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Record<string, string | undefined> = {},
): Readonly<Config> {
  // Overrides (command-line options) win over the environment; an absent option leaves the variable
  // alone.
  const given = {
    ...env,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
  const res = configSchema
    .superRefine(roleRules)
    .safeParse(Object.fromEntries(Object.entries(given).filter(([, v]) => v !== '')));
  if (!res.success) {
    const lines = res.error.issues.map((i) => `  ${zodIssueLine(i)}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const raw = res.data;
  // The embedded broker, the simulator and the automatic demo belong to the one-process mode only.
  const embeddedBroker = raw.ROLE === 'all' && raw.MQTT_URL === undefined;
  const embeddedStore = raw.INFLUX_URL === undefined;
  const allEmbedded = raw.MQTT_URL === undefined && embeddedStore && raw.DATABASE_URL === undefined;
  const resolve = (v: 'auto' | 'on' | 'off') => v === 'on' || (v === 'auto' && allEmbedded);
  return Object.freeze({
    ...raw,
    embeddedBroker,
    embeddedStore,
    ledgerUrl: raw.DATABASE_URL ?? `sqlite:${path.join(raw.DATA_DIR, 'ledger.db')}`,
    spoolPath: path.join(raw.DATA_DIR, `spool-${raw.MQTT_CLIENT_ID}.db`),
    // An `api` process seeds the demo fleet only when DEMO=on says so (docker-compose.yml does, for
    // its simulator).
    demo: raw.ROLE === 'all' ? resolve(raw.DEMO) : raw.ROLE === 'api' && raw.DEMO === 'on',
    simulator: raw.ROLE === 'all' && resolve(raw.SIMULATOR),
  });
}
