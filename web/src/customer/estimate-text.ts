/**
 * What the app says about an estimate's range and the customer's budget. DOM-free, so the unit
 * tests run it under Node.
 */
import { formatAmount, formatMoney } from '../shared/format.js';
import { compareMoney } from '../shared/money.js';
import type { MoneyRange } from '../shared/types.js';

/** "between 118.00 and 142.00 EUR, most likely 130.00". */
export function rangeText(range: MoneyRange, currency: string): string {
  return `between ${formatAmount(range.p10)} and ${formatMoney(range.p90, currency)}, most likely ${formatAmount(range.p50)}`;
}

/**
 * Where the estimate stands against a budget: `over` when even its low end (p10) passes it,
 * `likely-over` when its most likely total (p50) does, `may-exceed` when only its high end (p90)
 * does, `within` otherwise. "Passes" is strictly above: a bill equal to the budget keeps to it.
 */
export type BudgetState = 'over' | 'likely-over' | 'may-exceed' | 'within';

export function budgetState(range: MoneyRange, budget: string): BudgetState {
  if (compareMoney(range.p10, budget) > 0) return 'over';
  if (compareMoney(range.p50, budget) > 0) return 'likely-over';
  if (compareMoney(range.p90, budget) > 0) return 'may-exceed';
  return 'within';
}

/** The sentence the app shows for a budget state. */
export function budgetText(
  state: BudgetState,
  range: MoneyRange,
  budget: string,
  currency: string,
): string {
  const b = formatMoney(budget, currency);
  switch (state) {
    case 'over':
      return `This bill will almost certainly pass your budget of ${b}: even the low end of the estimate, ${formatMoney(range.p10, currency)}, is above it.`;
    case 'likely-over':
      return `This bill will probably pass your budget of ${b}: the most likely total, ${formatMoney(range.p50, currency)}, is above it (the low end, ${formatMoney(range.p10, currency)}, is not).`;
    case 'may-exceed':
      return `Within your budget of ${b} so far, though the high end of the estimate, ${formatMoney(range.p90, currency)}, is above it.`;
    case 'within':
      return `Within your budget of ${b}: even the high end of the estimate, ${formatMoney(range.p90, currency)}, is below it.`;
  }
}
