/** The pricing engine (docs/design.md §5): pure, exact decimal, no I/O. */
export type {
  Bill,
  BillLine,
  BillLineKind,
  PricedInterval,
  PricingInput,
  TimeRange,
} from './bill.js';
export { minorDigits } from './decimal.js';
export {
  NoTariffVersionError,
  PricingError,
  type PricingErrorReason,
  PricingInputError,
} from './errors.js';
export { intervalsFromReadings, type IntervalsFromReadings } from './intervals-from-readings.js';
export { priceBill } from './price-bill.js';
export { standingDays } from './standing-days.js';
export { splitByVersion, type TariffPart } from './tariff-parts.js';
export { verifyBill } from './verify-bill.js';
