/** Who is calling: the role of the API key and, for customers, the customer it is bound to. */
export type Role = 'customer' | 'staff' | 'admin';

export const ROLES = ['customer', 'staff', 'admin'] as const satisfies readonly Role[];

export interface Principal {
  readonly keyId: string;
  readonly role: Role;
  /** Set for role `customer` only. */
  readonly customerId: string | null;
}

/** staff and admin read everything; a customer reads only what belongs to its customer. */
export function canReadAll(p: Principal): boolean {
  return p.role === 'staff' || p.role === 'admin';
}
