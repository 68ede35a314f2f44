import type { Config } from '../config.js';

/**
 * What one wattledger process runs (`serve --role`, env ROLE); docs/design.md §2 scale-out. Not the
 * `Role` of an API key (src/auth/principal.ts): a process role decides which parts start.
 */
export type ProcessRole = Config['ROLE'];

/** The parts a role starts. Every role also serves /healthz, /readyz and /metrics. */
export interface RoleParts {
  /**
   * The HTTP API (/v1, /docs, /openapi.json); without it the HTTP server answers the ops endpoints
   * only.
   */
  readonly api: boolean;
  /** MQTT subscriber, spool and flusher (and, in `all` without MQTT_URL, the embedded broker). */
  readonly ingest: boolean;
  /** The cron: settlement on SETTLE_CRON. */
  readonly jobs: boolean;
}

const PARTS: Readonly<Record<ProcessRole, RoleParts>> = {
  all: { api: true, ingest: true, jobs: true },
  api: { api: true, ingest: false, jobs: false },
  ingest: { api: false, ingest: true, jobs: false },
  jobs: { api: false, ingest: false, jobs: true },
};

/** The parts `role` starts: main.ts asks this, so there is one composition root for every role. */
export function roleParts(role: ProcessRole): RoleParts {
  return PARTS[role];
}
