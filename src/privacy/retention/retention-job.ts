import { advanceCursor, finalFeedHead } from '../../readings/changes/reading-change-cursors.js';
import type { RetentionDeps, RetentionOptions, RetentionResult } from './retention-deps.js';
import { runRetention } from './run-retention.js';

/** Retention's name in `reading_change_cursors`. */
const READER = 'retention';

/**
 * A scheduled retention run. Retention reads every late row still in the readings change feed (a
 * period it reduced is redone when late readings landed in it since), so the feed must keep the
 * rows a complete run has not yet seen: when no meter period failed, its cursor moves to the newest
 * row there was before the run began, and only then may pruning remove those rows.
 */
export async function runRetentionJob(
  deps: RetentionDeps,
  opts: RetentionOptions,
  input: { actor: string },
): Promise<RetentionResult> {
  const seen = await finalFeedHead(deps.db);
  const result = await runRetention(deps, opts, input);
  if (result.failed === 0) await advanceCursor(deps.db, READER, seen);
  return result;
}
