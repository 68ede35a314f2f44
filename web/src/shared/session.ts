/**
 * The API key of the signed-in user, in sessionStorage: it lives as long as the tab, is not shared
 * with other tabs, and sign-out removes it.
 */

/** Storage slot of each app, so a staff key never signs the customer app in (or the reverse). */
export type SessionSlot = 'wattledger.customerKey' | 'wattledger.staffKey';

/** The stored key, if any. */
export function storedKey(slot: SessionSlot): string | undefined {
  return sessionStorage.getItem(slot) ?? undefined;
}

/** Keep the key for this tab. */
export function storeKey(slot: SessionSlot, key: string): void {
  sessionStorage.setItem(slot, key);
}

/** Forget the key (sign-out, or a key the server no longer accepts). */
export function clearKey(slot: SessionSlot): void {
  sessionStorage.removeItem(slot);
}
