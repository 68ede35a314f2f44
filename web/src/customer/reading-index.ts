/**
 * The index a customer types, as the API takes it. DOM-free (unit tested). Meters show kWh; the API
 * counts whole Wh. The text is converted digit by digit, never through a binary float: "128.0245"
 * times 1000 in floating point is 128024.49999999999, not 128,025.
 */

/** An index typed in kWh ("12345", "12345.678", "12 345,6") as whole Wh, or a reason it is not. */
export function kwhTextToWh(text: string): { wh: number } | { problem: string } {
  const clean = text
    .trim()
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(',', '.');
  if (clean === '') return { problem: 'Enter the index shown on your meter.' };
  const m = /^(\d{1,12})(?:\.(\d{0,3}))?$/.exec(clean);
  if (m === null)
    return {
      problem: 'Enter the index in kWh as your meter shows it, with at most 3 decimals.',
    };
  const wh = Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
  if (!Number.isSafeInteger(wh)) return { problem: 'That index is too large.' };
  return { wh };
}

/** Whole Wh as the kWh a meter shows, with 3 decimals ("12345.678"). */
export function whToKwhText(wh: number): string {
  const sign = wh < 0 ? '-' : '';
  const abs = Math.abs(wh);
  return `${sign}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}`;
}
