import type { Reading } from '../reading.js';
import { blockBytes, type DayBlock } from './day-block.js';

/** What the cache knows of one meter: sealed day blocks and the answers of lookups beyond them. */
export interface MeterEntry {
  readonly blocks: Map<number, DayBlock>;
  /** The last reading before an instant (null: none), for instants whose past is all sealed. */
  readonly before: Map<number, Reading | null>;
  /**
   * The first reading at or after an instant (null: none), kept only when stable (see
   * cached-store).
   */
  readonly after: Map<number, Reading | null>;
  bytes: number;
  /** Asked for since eviction last passed it. */
  used: boolean;
}

const HINT_BYTES = 160;
const MAX_HINTS = 64;

/**
 * Sealed readings by meter, the least recently used going first (second chance) once `maxBytes` is
 * exceeded. Each invalidation bumps the meter's generation, so a load that started before it does
 * not put back what it read (`put*` take the generation `generation()` answered when the load
 * began).
 */
export class MeterCache {
  private readonly meters = new Map<string, MeterEntry>();
  private readonly generations = new Map<string, number>();
  private clears = 0;
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.meters.size;
  }

  /**
   * The entry of a meter, marked used (it gets a second chance when eviction comes round to it).
   */
  get(meterId: string): MeterEntry | undefined {
    const e = this.meters.get(meterId);
    if (e !== undefined) e.used = true;
    return e;
  }

  generation(meterId: string): string {
    return `${this.clears}:${this.generations.get(meterId) ?? 0}`;
  }

  putBlocks(meterId: string, gen: string, blocks: readonly DayBlock[]): void {
    const e = this.entryFor(meterId, gen);
    if (e === undefined) return;
    for (const b of blocks) {
      const old = e.blocks.get(b.day);
      this.grow(e, blockBytes(b) - (old === undefined ? 0 : blockBytes(old)));
      e.blocks.set(b.day, b);
    }
    this.evict();
  }

  putBefore(meterId: string, gen: string, t: number, r: Reading | null): void {
    this.putHint(meterId, gen, (e) => e.before.set(t, r));
  }

  putAfter(meterId: string, gen: string, t: number, r: Reading | null): void {
    this.putHint(meterId, gen, (e) => e.after.set(t, r));
  }

  /** Forget a meter (its readings changed) and void its loads in flight. */
  invalidate(meterId: string): void {
    this.generations.set(meterId, (this.generations.get(meterId) ?? 0) + 1);
    const e = this.meters.get(meterId);
    if (e === undefined) return;
    this.total -= e.bytes;
    this.meters.delete(meterId);
  }

  /** Forget everything and void every load in flight. */
  clear(): void {
    this.clears += 1;
    this.generations.clear();
    this.meters.clear();
    this.total = 0;
  }

  private putHint(meterId: string, gen: string, set: (e: MeterEntry) => void): void {
    const e = this.entryFor(meterId, gen);
    if (e === undefined) return;
    if (e.before.size + e.after.size >= MAX_HINTS) {
      this.grow(e, -HINT_BYTES * (e.before.size + e.after.size));
      e.before.clear();
      e.after.clear();
    }
    set(e);
    this.grow(e, HINT_BYTES);
    this.evict();
  }

  private entryFor(meterId: string, gen: string): MeterEntry | undefined {
    if (gen !== this.generation(meterId)) return undefined;
    let e = this.get(meterId);
    if (e === undefined) {
      e = { blocks: new Map(), before: new Map(), after: new Map(), bytes: 200, used: true };
      this.total += e.bytes;
      this.meters.set(meterId, e);
    }
    return e;
  }

  private grow(e: MeterEntry, by: number): void {
    e.bytes += by;
    this.total += by;
  }

  /**
   * Second-chance (clock) eviction in insertion order: an entry used since the last pass moves to
   * the back instead of going. Cheaper than moving every entry on every read, and close to LRU.
   */
  private evict(): void {
    // An entry moved to the back is visited again by this same loop, then goes if still unused.
    for (const [id, e] of this.meters) {
      if (this.total <= this.maxBytes || this.meters.size <= 1) return;
      this.meters.delete(id);
      if (e.used) {
        e.used = false;
        this.meters.set(id, e);
      } else {
        this.total -= e.bytes;
      }
    }
  }
}
