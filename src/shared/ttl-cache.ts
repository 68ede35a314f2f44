import type { Clock } from './clock.js';

export interface TtlCacheOptions {
  /** How long an entry is answered after it was set, by `clock`. */
  readonly ttlMs: number;
  /** A cache holding this many entries starts over rather than grow. */
  readonly max: number;
  readonly clock: Clock;
}

/**
 * A bounded map whose entries expire `ttlMs` after they were set: for lookups a busy API would
 * otherwise repeat against the ledger on every request, where an answer that old is still
 * acceptable.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { readonly value: V; readonly expires: number }>();

  constructor(private readonly opts: TtlCacheOptions) {}

  /** The value set for `key` less than `ttlMs` ago, else undefined. */
  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e.expires > this.opts.clock.now()) return e.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Remember `value` for `ttlMs` (default: the cache's), e.g. shorter for a negative answer. */
  set(key: K, value: V, ttlMs = this.opts.ttlMs): void {
    if (this.entries.size >= this.opts.max) this.entries.clear();
    this.entries.set(key, { value, expires: this.opts.clock.now() + ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
