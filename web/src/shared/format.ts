/** Number, money, energy and time formats of the web app, in the browser's locale. DOM-free. */

/** Energy from Wh to a kWh string: 3 decimals below 10 kWh (a few hours), fewer above. */
export function formatKwh(wh: number): string {
  const kwh = wh / 1000;
  const digits = Math.abs(kwh) < 10 ? 3 : Math.abs(kwh) < 1000 ? 2 : 1;
  return `${kwh.toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits })} kWh`;
}

/** Power in W below 1 kW, else kW with 2 decimals. */
export function formatPower(w: number): string {
  if (Math.abs(w) < 1000) return `${Math.round(w).toLocaleString()} W`;
  return `${(w / 1000).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} kW`;
}

/**
 * A money amount. The API sends exact decimal strings with the currency's minor digits; the string
 * is shown as it is (never through a binary float), with the currency code after it.
 */
export function formatMoney(amount: string, currency: string): string {
  return `${formatAmount(amount)} ${currency}`;
}

/** A money amount without its currency, with a true minus sign: "−3.10". */
export function formatAmount(amount: string): string {
  return amount.replace(/^-/, '−');
}

/** Date and time of an instant in the contract's zone, e.g. "29 Nov 2026, 18:15". */
export function formatDateTime(ms: number, tz: string): string {
  return new Intl.DateTimeFormat(undefined, {
    timeZone: tz,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(ms);
}

/** Time of day of an instant in the contract's zone, e.g. "18:15:03". */
export function formatTime(ms: number, tz: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZone: tz, timeStyle: 'medium' }).format(ms);
}

/** A local date of an instant, e.g. "1 Nov 2026". */
export function formatDate(ms: number, tz: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZone: tz, dateStyle: 'medium' }).format(ms);
}

/** A billing period as local dates, the exclusive end shown as the last day it covers. */
export function formatPeriod(start: string, end: string, tz: string): string {
  const s = Date.parse(start);
  const e = Date.parse(end);
  // A period ending at local midnight covers up to the day before; one ending
  // mid-day (move-out) that day.
  return `${formatDate(s, tz)} – ${formatDate(e - 1, tz)}`;
}

/** "just now", "4 min ago", "3 h ago", "2 days ago". */
export function ago(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} days ago`;
}
