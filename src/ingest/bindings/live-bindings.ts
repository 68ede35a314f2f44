import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import type { Logger } from '../../shared/logger.js';
import {
  EMPTY_BINDINGS,
  loadBindings,
  loginMayUse,
  type BindingsSnapshot,
  type BoundMeter,
} from './topic-bindings.js';

/** What changed in the set of bound topics between two reads of the ledger. */
export interface TopicChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/**
 * The device bindings this process knows, kept fresh: read at start, again every `refreshMs` (a
 * meter bound by another process, or by the CLI), and at once when told (`refresh()`, e.g. after
 * this process's API bound a meter). Lookups are synchronous, so the message handler can use them
 * before the PUBACK.
 */
export interface LiveBindings {
  /** The meters bound to `topic`, or undefined when none is. */
  lookup(topic: string): readonly BoundMeter[] | undefined;
  /** Every bound topic. */
  topics(): Iterable<string>;
  /** Whether a device login may publish or subscribe on `topic` (see loginMayUse). */
  loginMayUse(login: string, topic: string): boolean;
  /** Whether `login` serves at least one bound device. */
  isDeviceLogin(login: string): boolean;
  /** Read the ledger again now; resolves once the new bindings are in use. */
  refresh(): Promise<void>;
  /** Called after each refresh that changed the set of topics. */
  onTopicsChanged(listener: (changes: TopicChanges) => void): void;
  stop(): void;
}

export async function startLiveBindings(
  deps: { readonly db: Kysely<LedgerDatabase>; readonly log: Logger },
  opts: { readonly refreshMs: number },
): Promise<LiveBindings> {
  let snapshot: BindingsSnapshot = EMPTY_BINDINGS;
  const listeners: ((changes: TopicChanges) => void)[] = [];
  let running: Promise<void> | undefined;
  let again = false;

  const readOnce = async () => {
    const next = await loadBindings(deps.db, deps.log);
    const added = [...next.byTopic.keys()].filter((t) => !snapshot.byTopic.has(t));
    const removed = [...snapshot.byTopic.keys()].filter((t) => !next.byTopic.has(t));
    snapshot = next;
    if (added.length > 0 || removed.length > 0)
      for (const listener of listeners) listener({ added, removed });
  };
  // One read at a time; a refresh asked for during a read runs once more after it, so the caller
  // always sees the ledger as it was after its own change.
  const refresh = async (): Promise<void> => {
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await readOnce();
        } while (again);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  await refresh();
  const timer = setInterval(() => {
    refresh().catch((err: unknown) =>
      deps.log.warn({ err }, 'reading device bindings failed; keeping the previous ones'),
    );
  }, opts.refreshMs);
  timer.unref();

  return {
    lookup: (topic) => snapshot.byTopic.get(topic),
    topics: () => snapshot.byTopic.keys(),
    loginMayUse: (login, topic) => loginMayUse(snapshot, login, topic),
    isDeviceLogin: (login) => snapshot.filtersByLogin.has(login),
    refresh,
    onTopicsChanged: (listener) => listeners.push(listener),
    stop: () => clearInterval(timer),
  };
}
