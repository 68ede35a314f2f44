import type { AppDeps } from '../app.js';
import { createRouter } from '../router.js';

/** Every `/v1` route, grouped by feature. */
export function v1Routes(_deps: AppDeps) {
  const v1 = createRouter();
  return v1;
}
