import type { Principal } from '../auth/principal.js';
import { AppError } from '../shared/app-error.js';

/** What a caller may read: everything (staff, admin) or the resources of one customer. */
export type Visibility =
  { readonly all: true } | { readonly all: false; readonly customerId: string };

/**
 * The visibility of a principal. A customer key bound to no customer sees nothing and is refused.
 */
export function visibilityOf(p: Principal): Visibility {
  if (p.role === 'staff' || p.role === 'admin') return { all: true };
  if (p.customerId === null)
    throw new AppError('forbidden', 'this customer key is not bound to a customer');
  return { all: false, customerId: p.customerId };
}

/** May a caller with `v` read a resource of `customerId`? */
export function canSee(v: Visibility, customerId: string | null): boolean {
  return v.all || (customerId !== null && customerId === v.customerId);
}

/**
 * The 404 a missing resource and a resource of another customer both answer, so ids cannot be
 * probed.
 */
export function notFound(kind: string, id: string): AppError {
  return new AppError('not_found', `no ${kind} ${id}`);
}
