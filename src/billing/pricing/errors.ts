import { AppError } from '../../shared/app-error.js';

/** Why a bill could not be priced. */
export type PricingErrorReason = 'no_tariff_version' | 'invalid_input';

/** A bill that cannot be priced from its input; never a partial bill. */
export class PricingError extends AppError {
  constructor(
    readonly reason: PricingErrorReason,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super('validation_failed', message, { reason, ...details });
    this.name = 'PricingError';
  }
}

/**
 * Part of the period lies before the tariff's first version: no rate is in force there, and the
 * engine will not guess one (a contract starting before its tariff is a set-up error for staff).
 */
export class NoTariffVersionError extends PricingError {
  constructor(
    readonly uncoveredStart: number,
    readonly firstValidFrom: string,
  ) {
    super(
      'no_tariff_version',
      `no tariff version is in force at ${new Date(uncoveredStart).toISOString()}: the first applies from ${firstValidFrom}`,
      {
        uncoveredStart: new Date(uncoveredStart).toISOString(),
        firstValidFrom,
      },
    );
    this.name = 'NoTariffVersionError';
  }
}

/** Input that breaks the engine's preconditions (period, time zone, intervals). */
export class PricingInputError extends PricingError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('invalid_input', message, details);
    this.name = 'PricingInputError';
  }
}
