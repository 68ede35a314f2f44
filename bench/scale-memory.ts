// Part of bench:scale (and a diagnostic of bench:ingest's memory): where a wattledger process's
// resident memory goes while it works, from the process.memoryUsage() figures its /metrics exports,
// sampled often, peaks kept.

/** The largest value each figure reached while sampled, MB. */
export interface MemoryPeaks {
  readonly samples: number;
  readonly rssMb: number;
  readonly heapTotalMb: number;
  readonly heapUsedMb: number;
  /** C++ objects bound to JS ones, Buffers and ArrayBuffers included. */
  readonly externalMb: number;
  /** RSS minus heap total minus external at the same sample, largest: native memory of neither. */
  readonly otherMb: number;
  /** Heap spaces' sizes (new, old, large object, code…) at their largest. */
  readonly spacesMb: Readonly<Record<string, number>>;
}

const MB = 1024 * 1024;
const round = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

/** The samples of one scrape: metric name (without the process's prefix) and labels -> value. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(?:wattledger_)?((?:process|nodejs)_[a-z_]+)(\{[^}]*\})? ([-\d.eE+]+)$/.exec(line);
    if (m !== null) out.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return out;
}

/**
 * Scrape `httpUrl`/metrics every `intervalMs` until `stop()`, which answers the peaks. A scrape
 * costs the process a little CPU; only diagnostics use this.
 */
export function watchMemory(httpUrl: string, intervalMs = 100): { stop(): Promise<MemoryPeaks> } {
  let stopped = false;
  let samples = 0;
  const peak = new Map<string, number>();
  const keep = (key: string, value: number) => peak.set(key, Math.max(peak.get(key) ?? 0, value));
  const loop = (async () => {
    while (!stopped) {
      try {
        const m = parse(await (await fetch(`${httpUrl}/metrics`)).text());
        const rss = m.get('process_resident_memory_bytes') ?? 0;
        const heapTotal = m.get('nodejs_heap_size_total_bytes') ?? 0;
        const external = m.get('nodejs_external_memory_bytes') ?? 0;
        keep('rss', rss);
        keep('heapTotal', heapTotal);
        keep('heapUsed', m.get('nodejs_heap_size_used_bytes') ?? 0);
        keep('external', external);
        keep('other', rss - heapTotal - external);
        for (const [k, v] of m) {
          const space = /^nodejs_heap_space_size_total_bytes\{space="([a-z_]+)"\}$/.exec(k);
          if (space !== null) keep(`space:${space[1]}`, v);
        }
        samples += 1;
      } catch {
        // the process is starting or stopping
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const get = (k: string) => round(peak.get(k) ?? 0);
      return {
        samples,
        rssMb: get('rss'),
        heapTotalMb: get('heapTotal'),
        heapUsedMb: get('heapUsed'),
        externalMb: get('external'),
        otherMb: get('other'),
        spacesMb: Object.fromEntries(
          [...peak.keys()]
            .filter((k) => k.startsWith('space:'))
            .map((k) => [k.slice(6), get(k)] as const)
            .filter(([, v]) => v > 0),
        ),
      };
    },
  };
}
