/**
 * Delay before retry number `attempt` (1-based): exponential from `baseMs` up to `maxMs`, with
 * "equal jitter" so that many processes recovering from the same outage do not retry in lockstep.
 */
export function backoffDelay(
  attempt: number,
  baseMs = 100,
  maxMs = 30_000,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
