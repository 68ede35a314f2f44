import { describe, expect, it } from 'vitest';
import { ingestFilters, isIngestTopic, meterIdOfTopic } from './topic.js';

describe('ingest topics', () => {
  it('takes the meter id from a well-formed readings topic only', () => {
    expect(meterIdOfTopic('meters/m-1.a_b/readings')).toBe('m-1.a_b');
    for (const topic of [
      'meters//readings',
      'meters/x/readings/extra',
      'meters/-x/readings',
      `meters/${'x'.repeat(65)}/readings`,
      'meters/x/y/readings',
      '/meters/x/readings',
    ])
      expect(meterIdOfTopic(topic)).toBeUndefined();
  });

  it('answers for exactly what its two filters deliver', () => {
    expect(ingestFilters()).toEqual(['meters/+/readings', 'meters/+/readings/+/#']);
    expect(ingestFilters('g')).toEqual([
      '$share/g/meters/+/readings',
      '$share/g/meters/+/readings/+/#',
    ]);
    for (const topic of [
      'meters/x/readings',
      'meters//readings',
      'meters/x/readings/extra',
      'meters/x/readings/',
      'meters/x/readings/a/b',
    ])
      expect(isIngestTopic(topic)).toBe(true);
    for (const topic of ['meters/x/status', 'meters/x', 'meters/readings', 'other/x/readings'])
      expect(isIngestTopic(topic)).toBe(false);
  });
});
