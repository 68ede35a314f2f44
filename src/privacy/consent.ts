import type { GroupBy } from '../consumption/group-by.js';
import { AppError } from '../shared/app-error.js';

/**
 * The finest consumption granularity a customer allows to be shown and kept, per contract:
 * `month` (the default: what billing needs, lawful without a specific consent, as the CNIL allows),
 * `day`, or `interval` (15 minutes, and with it hours and the instantaneous power of the latest
 * reading).
 */
export const CONSENT_LEVELS = ['month', 'day', 'interval'] as const;
export type Consent = (typeof CONSENT_LEVELS)[number];

const RANK: { readonly [K in Consent]: number } = { month: 0, day: 1, interval: 2 };

/** The consent each bucket size needs: hours are finer than days, so they need `interval`. */
export const CONSENT_FOR_GROUP_BY: { readonly [K in GroupBy]: Consent } = {
  '15m': 'interval',
  hour: 'interval',
  day: 'day',
  month: 'month',
};

/** The bucket size of each consent level: what export and retention keep. */
export const GROUP_BY_OF_CONSENT: { readonly [K in Consent]: GroupBy } = {
  month: 'month',
  day: 'day',
  interval: '15m',
};

/**
 * A stored consent value; anything unknown reads as `month`, the most restrictive level, so a bad
 * row can never widen what is shown.
 */
export function parseConsent(value: string | null | undefined): Consent {
  return (CONSENT_LEVELS as readonly string[]).includes(value ?? '') ? (value as Consent) : 'month';
}

/** Does consent `given` cover `needed`? */
export function allows(given: Consent, needed: Consent): boolean {
  return RANK[given] >= RANK[needed];
}

/** The coarser of two levels. */
export function coarser(a: Consent, b: Consent): Consent {
  return RANK[a] <= RANK[b] ? a : b;
}

/**
 * Throw AppError `consent_required` (403) unless `given` covers `needed`. The problem names the
 * level needed (`requiredConsent`) and the one given (`consent`), so a client can explain what is
 * missing. The rule is the same for every role: staff see no finer data than the customer consented
 * to.
 */
export function requireConsent(given: Consent, needed: Consent, what: string): void {
  if (allows(given, needed)) return;
  throw new AppError(
    'consent_required',
    `${what} needs the customer's consent to "${needed}" data; this contract's consent is "${given}" (the customer can change it with PUT /v1/contracts/{id}/consent)`,
    { requiredConsent: needed, consent: given },
  );
}
