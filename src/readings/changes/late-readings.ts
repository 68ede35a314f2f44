import type { Reading } from '../reading.js';
import { spansByMeter, type ReadingSpan } from '../reading-spans.js';

/**
 * A reading stored this long after its meter time is late: a cache may hold the sealed day it lands
 * in, and a settled period may already have billed around it. Ingest records such readings in the
 * change feed (kind `late`); the readings cache and settlement both follow from there.
 */
export const LATE_AFTER_MS = 60 * 60_000;

/** A meter's readings of one stored batch that arrived late: their meter-time span and count. */
export type LateSpan = ReadingSpan;

/**
 * Per meter, the span of the readings whose meter time lies more than `LATE_AFTER_MS` before
 * `storedAt`.
 */
export const lateSpans = (stored: readonly Reading[], storedAt: number): LateSpan[] =>
  spansByMeter(stored, (r) => r.ts <= storedAt - LATE_AFTER_MS);
