import type { Clock } from '../../shared/clock.js';

export interface TokenBucketOptions {
  /** Tokens added per second: the sustained rate allowed. */
  readonly perSecond: number;
  /** Capacity: how many requests may come at once after a quiet spell. */
  readonly burst: number;
  readonly clock: Clock;
  /** A map holding this many buckets forgets the full ones first, then starts over. */
  readonly maxBuckets?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * One token bucket per caller, refilled lazily from the injected clock (no timer), so that a burst
 * is allowed but a sustained rate above `perSecond` is refused, and tests can move time by hand.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly opts: TokenBucketOptions) {}

  /**
   * Take one token of `key`'s bucket. Answers 0 when taken, else the seconds (at least 1, rounded
   * up) until a token is available: the `Retry-After` of the refusal.
   */
  take(key: string): number {
    const now = this.opts.clock.now();
    const b = this.refilled(key, now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return this.secondsToToken(b.tokens);
  }

  /** Like `take`, without taking: 0 when a token is available. */
  wait(key: string): number {
    const b = this.buckets.get(key);
    if (b === undefined) return 0;
    const now = this.opts.clock.now();
    const tokens = this.refilled(key, now).tokens;
    return tokens >= 1 ? 0 : this.secondsToToken(tokens);
  }

  private secondsToToken(tokens: number): number {
    return Math.max(1, Math.ceil((1 - tokens) / this.opts.perSecond));
  }

  private refilled(key: string, now: number): Bucket {
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= (this.opts.maxBuckets ?? 100_000)) this.prune(now);
      b = { tokens: this.opts.burst, at: now };
      this.buckets.set(key, b);
      return b;
    }
    const elapsed = Math.max(0, now - b.at) / 1000;
    b.tokens = Math.min(this.opts.burst, b.tokens + elapsed * this.opts.perSecond);
    b.at = now;
    return b;
  }

  /** Full buckets carry no state worth keeping; if none is full, forget everything. */
  private prune(now: number): void {
    for (const [key, b] of this.buckets) {
      const tokens = b.tokens + (Math.max(0, now - b.at) / 1000) * this.opts.perSecond;
      if (tokens >= this.opts.burst) this.buckets.delete(key);
    }
    if (this.buckets.size >= (this.opts.maxBuckets ?? 100_000)) this.buckets.clear();
  }
}
