import { describe, expect, it } from 'vitest';
import { sourceTopicProblem } from '../formats/topic-rules.js';
import { deviceFormat } from '../formats/registry.js';
import { DEMO_DEVICES, demoDeviceBindings } from './demo-devices.js';

const ids = (n: number) =>
  Array.from({ length: n }, (_, i) => `demo-${String(i + 1).padStart(4, '0')}`);

describe('demo devices', () => {
  it('binds the last five households, one format each, never the first', () => {
    const bound = demoDeviceBindings(ids(20));
    expect([...bound].map(([id, d]) => [id, d.format])).toEqual([
      ['demo-0016', 'tasmota'],
      ['demo-0017', 'shelly-gen2'],
      ['demo-0018', 'teleinfo'],
      ['demo-0019', 'dsmr-p1'],
      ['demo-0020', 'zigbee2mqtt'],
    ]);
    expect([...demoDeviceBindings(ids(3)).keys()]).toEqual(['demo-0002', 'demo-0003']);
    expect(demoDeviceBindings(ids(1)).size).toBe(0);
    expect(demoDeviceBindings([]).size).toBe(0);
  });

  it('uses topics each format accepts', () => {
    for (const d of DEMO_DEVICES)
      expect(
        sourceTopicProblem(d.topic) ?? deviceFormat(d.format).checkTopic(d.topic),
      ).toBeUndefined();
  });
});
