import { expect, it } from 'vitest';
// First: it loads the app, whose @hono/zod-openapi must extend zod before
// billing builds its schemas.
import { onBothSetups, storedTs, t } from './privacy-world.js';
import { runSettlement } from '../../src/billing/settlement/run-settlement.js';
import { parseConfig } from '../../src/config.js';
import { startJobs } from '../../src/jobs/scheduler.js';
import { waitFor } from '../harness/process.js';

it('RETENTION_CRON and RETENTION_MONTHS: nightly and 12 months by default, validated, `off` allowed', () => {
  expect(parseConfig({})).toMatchObject({ RETENTION_CRON: '30 3 * * *', RETENTION_MONTHS: 12 });
  expect(parseConfig({ RETENTION_CRON: 'off', RETENTION_MONTHS: '24' })).toMatchObject({
    RETENTION_CRON: 'off',
    RETENTION_MONTHS: 24,
  });
  expect(() => parseConfig({ RETENTION_CRON: 'nightly' })).toThrow(/RETENTION_CRON/);
  expect(() => parseConfig({ RETENTION_MONTHS: '0' })).toThrow(/RETENTION_MONTHS/);
});

onBothSetups((setup, open) => {
  it(`the scheduler runs the retention job on its schedule (${setup})`, async () => {
    const w = await open();
    const jobs = startJobs(w.deps, {
      ...w.billing,
      settleCron: 'off',
      retentionCron: '* * * * * *',
      retentionMonths: 12,
    });
    try {
      await w.home('sched-1');
      await w.readings('sched-1', '2026-08-31T00:00:00Z', '2026-10-05T00:00:00Z');
      w.clock.set('2026-10-20T00:00:00Z');
      await runSettlement(w.deps, w.billing, { actor: 'cron' });
      const september = () =>
        storedTs(w.api.store, 'sched-1', t('2026-08-31T22:00:00Z'), t('2026-09-30T21:59:59Z'));
      expect((await september()).length).toBeGreaterThan(2800);
      // Month consent (the default): the next tick reduces settled September to
      // its edges and band changes.
      await waitFor('retention reduced September', async () => (await september()).length < 200, {
        timeoutMs: 15_000,
      });
    } finally {
      await jobs.stop();
      await w.close();
    }
  });
});
