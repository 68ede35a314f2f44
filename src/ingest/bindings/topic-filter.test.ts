import { describe, expect, it } from 'vitest';
import { filterMatches } from './topic-filter.js';

describe('filterMatches', () => {
  it.each([
    ['tele/plug/#', 'tele/plug/SENSOR', true],
    ['tele/plug/#', 'tele/plug', true],
    ['tele/plug/#', 'tele/plug2/SENSOR', false],
    ['zigbee2mqtt/+/set', 'zigbee2mqtt/lamp/set', true],
    ['zigbee2mqtt/+/set', 'zigbee2mqtt/a/b/set', false],
    ['a/b', 'a/b', true],
    ['a/b', 'a/b/c', false],
    ['a/b/c', 'a/b', false],
    ['#', '$SYS/broker', false],
    ['+/x', '$SYS/x', false],
    ['a/+', 'a/', true],
  ])('%s against %s: %s', (filter, topic, expected) => {
    expect(filterMatches(filter, topic)).toBe(expected);
  });
});
