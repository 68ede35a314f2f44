/** One dependency's answer to "can you serve?". */
export type Probe = () => Promise<void> | void;

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Record<string, { ok: boolean; detail?: string }>;
}

/** Run every probe with a timeout; ready only when all pass. */
export async function checkReadiness(
  probes: Record<string, Probe>,
  timeoutMs = 2000,
): Promise<ReadinessReport> {
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, probe]) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(probe),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`no answer within ${timeoutMs} ms`)),
              timeoutMs,
            );
          }),
        ]);
        return [name, { ok: true }] as const;
      } catch (e) {
        return [name, { ok: false, detail: (e as Error).message }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: entries.every(([, c]) => c.ok), checks: Object.fromEntries(entries) };
}
