/**
 * The index labels of a French meter's TIC (teleinformation) frame, as every bridge passes them on
 * (teleinfo2mqtt, Tasmota's Teleinfo driver). All are Wh.
 */

/**
 * History mode (pre-Linky meters, and Linky in "historique"): the indexes each tariff option
 * (`OPTARIF`) counts on: base, off-peak/peak, EJP normal/peak-mobile hours, and the six Tempo
 * blue/white/red off-peak/peak registers. Their sum is everything the meter has counted.
 */
export const HISTORY_INDEXES_BY_OPTION: Readonly<Record<string, readonly string[]>> = {
  BASE: ['BASE'],
  'HC..': ['HCHC', 'HCHP'],
  'EJP.': ['EJPHN', 'EJPHPM'],
  BBR: ['BBRHCJB', 'BBRHPJB', 'BBRHCJW', 'BBRHPJW', 'BBRHCJR', 'BBRHPJR'],
};

/** Every history-mode index label. */
export const HISTORY_INDEXES: readonly string[] = Object.values(HISTORY_INDEXES_BY_OPTION).flat();

/** Standard mode: the total drawn from the grid. */
export const STANDARD_TOTAL = 'EAST';

/** Standard mode: the supplier's ten period registers EASF01..EASF10, which split EAST. */
export const STANDARD_SUPPLIER_INDEXES: readonly string[] = Array.from(
  { length: 10 },
  (_, i) => `EASF${String(i + 1).padStart(2, '0')}`,
);

/** Standard mode: the total fed into the grid. */
export const STANDARD_EXPORT = 'EAIT';
