import type { ExchangeRequest, MeterExchanger } from './meter-events.js';
import { rfc3339 } from './wire-format.js';

/** Options of {@link apiExchanger}. */
export interface ApiExchangerOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:8080` (the routes are under `/v1`). */
  readonly apiUrl: string;
  /** A staff or admin API key: an exchange is a staff act. */
  readonly apiKey: string;
  /** Injected for tests; default the global fetch. */
  readonly fetch?: typeof fetch | undefined;
}

/** The body of `POST /v1/meters/{id}/exchange` for an exchange the simulator makes. */
export function exchangeBody(x: ExchangeRequest): Record<string, unknown> {
  return {
    at: rfc3339(x.at),
    finalIndex: x.finalIndex,
    newMeter: { id: x.newMeterId, startIndex: x.startIndex },
  };
}

/**
 * Exchanges through the API, as staff would make them: the ledger closes the old meter and
 * registers the new one on its contract, and ingest hears of both. Throws with the API's answer
 * when it refuses (a 409 when the meter was exchanged already).
 */
export function apiExchanger(opts: ApiExchangerOptions): MeterExchanger {
  const doFetch = opts.fetch ?? fetch;
  const base = opts.apiUrl.replace(/\/+$/, '');
  return async (x) => {
    const res = await doFetch(`${base}/v1/meters/${encodeURIComponent(x.meterId)}/exchange`, {
      method: 'POST',
      headers: { authorization: `Bearer ${opts.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(exchangeBody(x)),
    });
    if (res.status !== 201)
      throw new Error(
        `exchange of meter ${x.meterId} refused: ${res.status} ${(await res.text()).slice(0, 500)}`,
      );
  };
}
