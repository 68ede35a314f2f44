import { describe, expect, it } from 'vitest';
import {
  RECEIVED,
  fixture as formatFixture,
  parseMessage,
} from '../shared/format-result.test-support.js';
import { crc16Arc, crcText } from './crc16.js';
import { dsmrP1Format } from './dsmr-p1.js';

const fixture = (name: string) => formatFixture('dsmr-p1', name);

const parse = (payload: Buffer | string, timezone = 'Europe/Amsterdam') =>
  parseMessage(dsmrP1Format, {
    topic: 'dsmr/raw',
    payload,
    encoding: 'latin1',
    meter: { id: 'p1-1', timezone, source: {} },
  });

/** A DSMR 5 style telegram around `lines`, with CRLF line ends and its CRC16 (or none). */
function telegram(lines: readonly string[], withCrc = true): string {
  const body = `/TST5\\2TEST\r\n\r\n${lines.map((l) => `${l}\r\n`).join('')}!`;
  const crc = withCrc ? crcText(crc16Arc(Buffer.from(body, 'latin1'))) : '';
  return `${body}${crc}\r\n`;
}

describe('dsmr-p1 fixtures', () => {
  it('verifies its CRC16 against every fixture that carries one', () => {
    for (const [name, crc] of [
      ['dsmr-4.2-kaifa.txt', '6796'],
      ['dsmr-5.0-iskra.txt', '6EEE'],
      ['dsmr-5.0-iskra-two-mbus.txt', '56DD'],
      ['belgium-fluvius-v171.txt', '3AD7'],
      ['belgium-fluvius-v171-alt.txt', 'C4B0'],
      ['sagemcom-t210-d-r-wh.txt', '7EF9'],
      ['hungary-eon-sagemcom.txt', '99DA'],
      ['luxembourg-smarty.txt', '1BB8'],
    ] as const) {
      const bytes = fixture(name);
      expect(crcText(crc16Arc(bytes, bytes.indexOf('/'), bytes.indexOf('!') + 1)), name).toBe(crc);
    }
  });

  it.each([
    {
      name: 'dsmr-2.2-iskra.txt', // no clock line, no CRC
      zone: 'Europe/Amsterdam',
      reading: {
        ts: RECEIVED,
        tsSource: 'received',
        importWh: 2002, // 1.8.1 00001.001 kWh = 1001 Wh + 1.8.2 1001 Wh
        exportWh: 2002, // 2.8.1 1001 Wh + 2.8.2 1001 Wh
        powerW: 1010, // 1.7.0 0001.01 kW - 2.7.0 0000.00 kW
        registers: { '1.8.1': 1001, '1.8.2': 1001 },
      },
    },
    {
      name: 'dsmr-3.0-iskra.txt', // no clock line, no CRC
      zone: 'Europe/Amsterdam',
      reading: {
        ts: RECEIVED,
        tsSource: 'received',
        importWh: 24691356, // 12345.678 kWh = 12345678 Wh, twice
        exportWh: 24691356,
        powerW: 1190, // 001.19 kW
        registers: { '1.8.1': 12345678, '1.8.2': 12345678 },
      },
    },
    {
      name: 'dsmr-4.2-kaifa.txt',
      zone: 'Europe/Amsterdam',
      reading: {
        ts: Date.UTC(2016, 10, 13, 19, 57, 57), // 161113205757W: 20:57:57 CET (UTC+1)
        tsSource: 'meter',
        importWh: 3016829, // 1581123 + 1435706
        exportWh: 0,
        powerW: 2027, // 02.027 kW
        registers: { '1.8.1': 1581123, '1.8.2': 1435706 },
      },
    },
    {
      name: 'dsmr-5.0-iskra.txt',
      zone: 'Europe/Amsterdam',
      reading: {
        ts: Date.UTC(2017, 0, 2, 18, 20, 2), // 170102192002W: 19:20:02 CET
        tsSource: 'meter',
        importWh: 6825, // 4426 + 2399
        exportWh: 2444, // 2444 + 0
        powerW: 244, // 00.244 kW - 00.000 kW
        registers: { '1.8.1': 4426, '1.8.2': 2399 },
      },
    },
    {
      name: 'dsmr-5.0-iskra-two-mbus.txt',
      zone: 'Europe/Amsterdam',
      reading: {
        ts: Date.UTC(2020, 3, 26, 20, 33, 25), // 200426223325S: 22:33:25 CEST (UTC+2)
        tsSource: 'meter',
        importWh: 2375582, // 2130115 + 245467
        exportWh: 0,
        powerW: 111,
        registers: { '1.8.1': 2130115, '1.8.2': 245467 },
      },
    },
    {
      name: 'belgium-fluvius-v171.txt',
      zone: 'Europe/Brussels',
      reading: {
        ts: Date.UTC(2020, 4, 12, 11, 54, 9), // 200512135409S: 13:54:09 CEST
        tsSource: 'meter',
        importWh: 15792, // 34 + 15758
        exportWh: 11, // 0 + 11
        powerW: 0,
        registers: { '1.8.1': 34, '1.8.2': 15758 },
      },
    },
    {
      name: 'belgium-fluvius-v171-alt.txt',
      zone: 'Europe/Brussels',
      reading: {
        ts: Date.UTC(2023, 10, 2, 11, 15, 48), // 231102121548W: 12:15:48 CET
        tsSource: 'meter',
        importWh: 571562, // 301548 + 270014
        exportWh: 5, // 000000.005 kWh
        powerW: 338,
        registers: { '1.8.1': 301548, '1.8.2': 270014 },
      },
    },
    {
      name: 'sagemcom-t210-d-r-wh.txt', // registers in Wh, power in W; 1.8.0 is the tariffs' total
      zone: 'Europe/Vienna',
      reading: {
        ts: Date.UTC(2022, 9, 6, 13, 50, 14), // 221006155014S: 15:50:14 CEST
        tsSource: 'meter',
        importWh: 6545766, // 5017120 + 1528646 (= the meter's own 1.8.0)
        exportWh: 58, // 2.8.1 0 + 2.8.2 58 (= 2.8.0)
        powerW: 286, // 000000286 W - 000000000 W
        registers: { '1.8.1': 5017120, '1.8.2': 1528646 },
      },
    },
    {
      name: 'hungary-eon-sagemcom.txt', // four tariffs beside a 1.8.0 total
      zone: 'Europe/Budapest',
      reading: {
        ts: Date.UTC(2023, 6, 24, 13, 7, 30), // 230724150730S: 15:07:30 CEST
        tsSource: 'meter',
        importWh: 173640, // 47719 + 125921 + 0 + 0 (= 1.8.0 173.640 kWh)
        exportWh: 627177, // 401829 + 225348 + 0 + 0
        powerW: -2601, // 00.000 kW in - 02.601 kW out
        registers: { '1.8.1': 47719, '1.8.2': 125921, '1.8.3': 0, '1.8.4': 0 },
      },
    },
    {
      name: 'luxembourg-smarty.txt', // totals only; the file ends right after the CRC
      zone: 'Europe/Luxembourg',
      reading: {
        ts: Date.UTC(2019, 9, 31, 13, 22, 39), // 191031142239W: 14:22:39 CET
        tsSource: 'meter',
        importWh: 5675956, // 1.8.0 005675.956 kWh
        exportWh: 2, // 2.8.0 000000.002 kWh
        powerW: 3074, // 03.074 kW
        registers: { '1.8.0': 5675956 },
      },
    },
  ])('reads $name', ({ name, zone, reading }) => {
    expect(parse(fixture(name), zone)).toEqual({ ok: true, readings: [reading] });
  });
});

describe('dsmr-p1 checksum and frame', () => {
  it('rejects a telegram whose register was altered after the CRC', () => {
    const altered = fixture('dsmr-5.0-iskra.txt')
      .toString('latin1')
      .replace('000004.426', '000004.427');
    expect(parse(altered)).toMatchObject({ ok: false, reason: 'invalid_checksum' });
  });

  it('accepts a lower-case CRC and a bridge that turned CRLF into LF', () => {
    const text = fixture('dsmr-4.2-kaifa.txt').toString('latin1');
    expect(parse(text.replace('!6796', '!6796'.toLowerCase()))).toMatchObject({ ok: true });
    expect(parse(text.replace(/\r\n/g, '\n'))).toMatchObject({ ok: true });
  });

  it.each([
    ['JSON', '{"electricity_delivered_1": 1.0}', "does not start with '/'"],
    [
      'a telegram cut short',
      '/ISK5\\2M550T\r\n\r\n1-0:1.8.1(000001.000*kWh)\r\n',
      "no end mark '!'",
    ],
    [
      'a garbled CRC',
      telegram(['1-0:1.8.1(000001.000*kWh)'], false).replace('!', '!12G4'),
      'not four hex',
    ],
    ['two telegrams', telegram(['1-0:1.8.1(1.0*kWh)']).repeat(2), "after the telegram's end"],
    [
      'a repeated register',
      telegram(['1-0:1.8.1(1.0*kWh)', '1-0:1.8.1(2.0*kWh)']),
      'more than once',
    ],
    ['a unit that is not energy', telegram(['1-0:1.8.1(000001.000*MWh)']), "unit 'MWh'"],
    ['a value without unit', telegram(['1-0:1.8.1(000001.000)']), 'not a decimal with a unit'],
    ['a negative register', telegram(['1-0:1.8.1(-00001.000*kWh)']), 'not a decimal with a unit'],
    [
      'a register beyond safe integers',
      telegram([`1-0:1.8.1(${'9'.repeat(20)}*kWh)`]),
      'too large',
    ],
    ['a power in kVA', telegram(['1-0:1.8.1(1.0*kWh)', '1-0:1.7.0(01.000*kVA)']), "unit 'kVA'"],
  ])('rejects %s as invalid_schema', (_kind, payload, detail) => {
    const res = parse(payload);
    expect(res).toMatchObject({ ok: false, reason: 'invalid_schema' });
    expect(res.ok ? '' : res.detail).toContain(detail);
  });

  it('rejects a telegram without an import register as no_reading', () => {
    const gasOnly = telegram([
      '0-0:1.0.0(261129192000W)',
      '0-1:24.2.1(261129190000W)(00981.443*m3)',
    ]);
    expect(parse(gasOnly)).toMatchObject({ ok: false, reason: 'no_reading' });
  });

  it('converts kWh by decimal arithmetic, half away from zero, and nets power in W', () => {
    const res = parse(telegram(['1-0:1.8.1(128.0245*kWh)', '1-0:2.7.0(00.120*kW)']));
    // 128.0245 kWh = 128024.5 Wh -> 128025; no 1.7.0, 2.7.0 0.120 kW -> -120 W
    expect(res).toMatchObject({ ok: true, readings: [{ importWh: 128025, powerW: -120 }] });
  });
});

describe('dsmr-p1 time', () => {
  const at = (tst: string, zone = 'Europe/Amsterdam') =>
    parse(telegram([`0-0:1.0.0(${tst})`, '1-0:1.8.1(000001.000*kWh)']), zone);

  it.each([
    // 2026-11-29 19:20:00 CET = 18:20:00Z
    ['261129192000W', Date.UTC(2026, 10, 29, 18, 20, 0)],
    // 2025-10-26 02:30 happens twice in Amsterdam: S = first pass (CEST, 00:30Z), W = second (01:30Z)
    ['251026023000S', Date.UTC(2025, 9, 26, 0, 30, 0)],
    ['251026023000W', Date.UTC(2025, 9, 26, 1, 30, 0)],
  ])('reads %s as local time with its summer/winter flag', (tst, ts) => {
    expect(at(tst)).toMatchObject({ ok: true, readings: [{ ts, tsSource: 'meter' }] });
  });

  it.each([
    ['the repeated hour without a flag', '251026023000'],
    ['an unset clock in 1970', '700101010000W'],
    ['a time before 2000-01-01Z', '000101000000W'], // 1999-12-31T23:00Z in Amsterdam
    // New York skipped 02:00-03:00 on 26 April 1970, which a clock never set says nothing about.
    ['an unset clock inside a skipped hour of 1970', '700426023000', 'America/New_York'],
  ])('uses the receive time for %s', (_kind, tst, zone?: string) => {
    expect(at(tst, zone)).toMatchObject({
      ok: true,
      readings: [{ ts: RECEIVED, tsSource: 'received' }],
    });
  });

  it('uses the receive time when there is no clock line', () => {
    expect(parse(telegram(['1-0:1.8.1(000001.000*kWh)']))).toMatchObject({
      ok: true,
      readings: [{ ts: RECEIVED, tsSource: 'received' }],
    });
  });

  it('rejects a time in the skipped spring hour as invalid_local_time', () => {
    // 2026-03-29 02:30 does not exist in Amsterdam
    expect(at('260329023000S')).toMatchObject({ ok: false, reason: 'invalid_local_time' });
  });

  it.each([
    ['a month 13', '261329120000W'],
    ['a short stamp', '2611291200'],
    ['a flag that is neither S nor W', '261129120000X'],
  ])('rejects %s as invalid_schema', (_kind, tst) => {
    expect(at(tst)).toMatchObject({ ok: false, reason: 'invalid_schema' });
  });
});

describe('dsmr-p1 binding', () => {
  it('takes dsmr-reader’s raw telegram topic and grants its first level', () => {
    expect(dsmrP1Format.checkTopic('dsmr/raw')).toBeUndefined();
    expect(dsmrP1Format.deviceTopics('dsmr/raw')).toEqual(['dsmr/#']);
    expect(dsmrP1Format.checkTopic('p1')).toBeUndefined();
    expect(dsmrP1Format.deviceTopics('p1')).toEqual(['p1/#']);
  });

  it.each([
    '',
    'dsmr/+',
    'dsmr/#',
    '$SYS/raw',
    'dsmr//raw',
    'dsmr/r\u0007w',
    'meters/p1-1/readings',
    'dsmr/json',
    'dsmr/reading/timestamp',
  ])('refuses %j', (topic) => {
    expect(dsmrP1Format.checkTopic(topic)).toEqual(expect.any(String));
  });

  it('has no options besides topic and login', () => {
    expect(dsmrP1Format.sourceSchema.safeParse({}).success).toBe(true);
    expect(dsmrP1Format.sourceSchema.safeParse({ crc: false }).success).toBe(false);
  });
});
