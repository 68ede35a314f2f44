import { describe, expect, it } from 'vitest';
import { demoMeterEvents, exchangedId } from './demo-meter-events.js';

const DAY = 86_400_000;

describe('demoMeterEvents', () => {
  const ids = Array.from({ length: 8 }, (_, i) => `demo-000${i + 1}`);
  it('gives one event each to the wattledger-format households after the first', () => {
    const planned = demoMeterEvents(ids, new Set(['demo-0003']), 0);
    expect([...planned].map(([id, p]) => [id, p.event.kind, p.rules])).toEqual([
      ['demo-0002', 'reset', { counterResets: 'new-span' }],
      ['demo-0004', 'wrap', { registerMaxWh: 100_000 }],
      ['demo-0005', 'jitter', { decreaseToleranceWh: 5 }],
      ['demo-0006', 'exchange', {}],
    ]);
    const x = planned.get('demo-0006')?.event;
    expect(x).toMatchObject({ newMeterId: exchangedId('demo-0006'), at: 40 * DAY + 36e5 * 10 });
    // Every event on a quarter hour, within the 60 days of backfill.
    for (const { event } of planned.values()) expect(event.at % 900_000).toBe(0);
  });
  it('shows fewer in a small fleet, never on the first household', () => {
    expect([...demoMeterEvents(ids.slice(0, 3), new Set(), 0).keys()]).toEqual([
      'demo-0002',
      'demo-0003',
    ]);
    expect(demoMeterEvents(ids.slice(0, 1), new Set(), 0).size).toBe(0);
  });
});
