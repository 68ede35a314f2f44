import type { Principal } from './principal.js';

/**
 * The Hono context variables authentication sets: the caller. Declared here, beside the middleware
 * that sets them, so src/auth needs nothing from src/api; the API's own env is this one.
 */
export interface AuthEnv {
  Variables: { principal: Principal };
}
