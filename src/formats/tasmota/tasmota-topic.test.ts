import { describe, expect, it } from 'vitest';
import { tasmotaFormat } from './tasmota.js';

/** MQTT filter matching (`+` one level, `#` the rest), to check what a device may reach. */
function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

const { checkTopic, deviceTopics } = tasmotaFormat;

describe('tasmota topics', () => {
  it('accepts the default FullTopic and grants the tele, stat and cmnd trees of the device', () => {
    // docs/MQTT.md: FullTopic %prefix%/%topic%/ with Topic tasmota_switch.
    const topic = 'tele/tasmota_switch/SENSOR';
    expect(checkTopic(topic)).toBeUndefined();
    expect(deviceTopics(topic)).toEqual([
      'tele/tasmota_switch/#',
      'stat/tasmota_switch/#',
      'cmnd/tasmota_switch/#',
    ]);
  });

  it('accepts custom FullTopics with the prefix elsewhere', () => {
    // docs/Teleinfo.md: FullTopic emoncms/ch2i/factory/%topic%/%prefix%/.
    const teleinfo = 'emoncms/ch2i/factory/denky_D6C0C0/tele/SENSOR';
    expect(checkTopic(teleinfo)).toBeUndefined();
    expect(deviceTopics(teleinfo)).toEqual([
      'emoncms/ch2i/factory/denky_D6C0C0/tele/#',
      'emoncms/ch2i/factory/denky_D6C0C0/stat/#',
      'emoncms/ch2i/factory/denky_D6C0C0/cmnd/#',
    ]);
    // docs/MQTT.md examples: %prefix%/home/cellar/%topic%/ and tasmota/bedroom/%topic%/%prefix%/.
    expect(deviceTopics('tele/home/cellar/tasmota/SENSOR')).toEqual([
      'tele/home/cellar/tasmota/#',
      'stat/home/cellar/tasmota/#',
      'cmnd/home/cellar/tasmota/#',
    ]);
    expect(deviceTopics('tasmota/bedroom/tasmota/tele/SENSOR')).toEqual([
      'tasmota/bedroom/tasmota/tele/#',
      'tasmota/bedroom/tasmota/stat/#',
      'tasmota/bedroom/tasmota/cmnd/#',
    ]);
    // FullTopic %topic%/%prefix%/%topic%/, which a Teleinfo user runs.
    expect(deviceTopics('teleinfo/tele/teleinfo/SENSOR')).toEqual([
      'teleinfo/tele/teleinfo/#',
      'teleinfo/stat/teleinfo/#',
      'teleinfo/cmnd/teleinfo/#',
    ]);
  });

  it("reaches the device's own LWT, results and commands, and no other device", () => {
    const filters = deviceTopics('tele/plug1/SENSOR');
    const reaches = (t: string) => filters.some((f) => matches(f, t));
    for (const own of [
      'tele/plug1/SENSOR',
      'tele/plug1/LWT',
      'stat/plug1/RESULT',
      'cmnd/plug1/POWER',
    ]) {
      expect(reaches(own), own).toBe(true);
    }
    for (const other of [
      'tele/plug10/SENSOR',
      'tele/plug/SENSOR',
      'cmnd/tasmotas/POWER', // the default GroupTopic, shared by every device
      'cmnd/DVES_3D5E26_fb/POWER',
      'meters/plug1/readings',
      'tele/plug2/SENSOR',
    ]) {
      expect(reaches(other), other).toBe(false);
    }
  });

  it('refuses topics that are not a device SENSOR topic, and grants them nothing', () => {
    for (const topic of [
      'tele/tasmota/STATE',
      'stat/tasmota/SENSOR',
      'tasmota/SENSOR',
      'tele/SENSOR', // a FullTopic without %topic%: every device would share the trees
      'tele/+/SENSOR',
      'tele/#',
      'tele//SENSOR',
      'tele/tasmota/SENSOR/',
      'tele/tasmota/SENSOR/extra',
      'tele/x/tele/SENSOR',
      'tele/tasmota/sensor',
      'Tele/tasmota/SENSOR',
      'tele/a\u0000b/SENSOR',
      'tele/a\u0007b/SENSOR',
      '$SYS/tele/tasmota/SENSOR',
      'meters/tele/tasmota/SENSOR', // its trees would reach meters/#: wattledger's own topics
      `tele/${'x'.repeat(512)}/SENSOR`,
    ]) {
      expect(checkTopic(topic), topic).toEqual(expect.any(String));
      expect(deviceTopics(topic), topic).toEqual([]);
    }
  });
});
