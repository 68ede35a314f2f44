import { describe, expect, it } from 'vitest';
import type { FormatResult } from '../device-format.js';
import { readingOf, rejectionOf as rejection } from '../shared/format-result.test-support.js';
import { RECEIVED, fixture, fixtureJson, parse } from './tasmota.test-support.js';

/** The readings of a result (always one), or a failed expectation naming the rejection. */
const readings = (res: FormatResult) => [readingOf(res)];

describe('tasmota fixtures', () => {
  it('reads the Teleinfo telemetry of the docs from TIC, not from ENERGY', () => {
    expect(readings(parse(fixture('teleinfo-historique-telemetry.json')))).toEqual([
      {
        // 17:28:45 in Paris on 2021-10-26 is summer time, UTC+2.
        ts: Date.UTC(2021, 9, 26, 15, 28, 45),
        tsSource: 'meter',
        // OPTARIF HC..: HCHC + HCHP = 920750 + 2275560 Wh (ENERGY.Total 9098.245 is Tasmota's own).
        importWh: 3_196_310,
        registers: { HCHC: 920_750, HCHP: 2_275_560 },
      },
    ]);
  });

  it('takes the SetOption52 offset as the reading time', () => {
    const [r] = readings(parse(fixture('teleinfo-historique-telemetry.offset-0200.derived.json')));
    // 17:28:45+02:00 is 15:28:45Z, whatever the meter's zone.
    expect(r).toMatchObject({ ts: Date.UTC(2021, 9, 26, 15, 28, 45), tsSource: 'meter' });
    expect(
      readings(
        parse(fixture('teleinfo-historique-telemetry.offset-0200.derived.json'), {
          timezone: 'America/New_York',
        }),
      )[0]!.ts,
    ).toBe(Date.UTC(2021, 9, 26, 15, 28, 45));
  });

  it('reads a raw TIC frame (EnergyConfig Full), which has no time, at its receipt', () => {
    expect(readings(parse(fixture('teleinfo-historique-raw-full.json')))).toEqual([
      {
        ts: RECEIVED,
        tsSource: 'received',
        importWh: 3_196_363, // 920750 + 2275613
        registers: { HCHC: 920_750, HCHP: 2_275_613 },
      },
    ]);
  });

  it('rejects a Changed-mode frame carrying apparent power only', () => {
    const r = rejection(parse(fixture('teleinfo-historique-changed-papp.json')));
    expect(r.reason).toBe('no_reading');
    expect(r.detail).toContain('no index');
  });

  it('reads a standard-mode frame: EAST, and the supplier indexes that add up to it', () => {
    const [r] = readings(
      parse(fixture('teleinfo-standard-base.tic-wrapped.adsc-zeroed.derived.json')),
    );
    expect(r).toEqual({
      ts: RECEIVED,
      tsSource: 'received',
      importWh: 22_377_879, // EAST
      // EASF01..EASF10 = 22377879 + 9 × 0 = EAST: a full frame, kept by name.
      registers: {
        EASF01: 22_377_879,
        EASF02: 0,
        EASF03: 0,
        EASF04: 0,
        EASF05: 0,
        EASF06: 0,
        EASF07: 0,
        EASF08: 0,
        EASF09: 0,
        EASF10: 0,
      },
    });
    expect(r).not.toHaveProperty('powerW', 642); // SINSTS is VA, not W
  });

  it('reads a plug: ENERGY.Total in kWh, Power in W, TotalStartTime as the counter start', () => {
    expect(
      readings(parse(fixture('energy-plug-single-phase.json'), { timezone: 'Europe/Amsterdam' })),
    ).toEqual([
      {
        ts: Date.UTC(2024, 0, 14, 17, 3, 15), // 18:03:15 CET = UTC+1
        tsSource: 'meter',
        importWh: 1_066_000, // 1066.000 kWh
        powerW: 0,
        counterStart: '2024-01-14T18:02:42',
      },
    ]);
  });

  it('reads an SML script group named by source.sensor', () => {
    const sml = { sensor: 'SML' };
    expect(
      readings(
        parse(fixture('sml-two-tariff-three-phase.json'), {
          timezone: 'Europe/Berlin',
          source: sml,
        }),
      ),
    ).toEqual([
      {
        ts: Date.UTC(2022, 11, 3, 20, 57, 41), // 21:57:41 CET
        tsSource: 'meter',
        importWh: 0, // Total_in 0.0000 kWh; no Total_out in this script
        powerW: 0, // Power_curr, sent twice: the last one counts, as in JSON.parse
      },
    ]);
    const renamed = {
      sensor: 'SML',
      fields: { import: 'Verbrauch_T1', export: 'Einspeisung_Summe', power: 'Watt_L1' },
    };
    expect(
      readings(parse(fixture('sml-two-tariff-three-phase.json'), { source: renamed }))[0],
    ).toMatchObject({
      importWh: 0,
      exportWh: 0,
      powerW: 0,
    });
  });

  it('converts SML kWh exactly, half away from zero', () => {
    const [r] = readings(
      parse(fixture('sml-two-tariff-three-phase.total-in-128.0245.derived.json'), {
        source: { sensor: 'SML' },
      }),
    );
    expect(r!.importWh).toBe(128_025); // 128.0245 kWh = 128024.5 Wh -> 128025
  });

  it('rejects sensor-only messages of the docs as no_reading', () => {
    const ds = rejection(parse(fixture('mqtt-docs-ds18b20.json')));
    expect(ds.reason).toBe('no_reading');
    expect(ds.detail).toContain('"DS18B20"');
    const analog = rejection(parse(fixture('deepsleep-docs-analog-epoch.json')));
    expect(analog.reason).toBe('no_reading');
    expect(analog.detail).toContain('"ANALOG"');
  });
});

describe('tasmota docs page', () => {
  it('gives the reading docs/formats/tasmota.md promises for its mosquitto_pub example', () => {
    const payload =
      '{"Time":"2026-11-29T18:15:00+01:00","ENERGY":{"TotalStartTime":"2026-01-01T00:00:00","Total":1066.000,"Power":85.5}}';
    expect(readings(parse(payload))).toEqual([
      {
        ts: Date.UTC(2026, 10, 29, 17, 15),
        tsSource: 'meter',
        importWh: 1_066_000,
        powerW: 85.5,
        counterStart: '2026-01-01T00:00:00',
      },
    ]);
  });
});

describe('tasmota TIC', () => {
  const telemetry = () => fixtureJson('teleinfo-historique-telemetry.json');
  const tic = (fields: Record<string, unknown>) => ({ TIC: fields });

  it('rejects a partial frame that lacks an index of its contract', () => {
    const body = telemetry();
    delete (body.TIC as Record<string, unknown>).HCHC;
    const r = rejection(parse(body));
    expect(r.reason).toBe('no_reading');
    expect(r.detail).toContain('HCHC');
  });

  it('rejects changed indexes without OPTARIF: the other index is unknown', () => {
    const r = rejection(parse(tic({ HCHP: 2_275_629 })));
    expect(r).toMatchObject({ reason: 'no_reading' });
    expect(r.detail).toContain('OPTARIF');
  });

  it('reads digit strings with leading zeros (BASE contract)', () => {
    const [r] = readings(parse(tic({ OPTARIF: 'BASE', BASE: '007970903', PAPP: '00780' })));
    expect(r).toMatchObject({ importWh: 7_970_903, registers: { BASE: 7_970_903 } });
    expect(r!.powerW).toBeUndefined();
  });

  it('adds the six Tempo indexes', () => {
    const tempo = {
      OPTARIF: 'BBR(',
      BBRHCJB: 1000,
      BBRHPJB: 2000,
      BBRHCJW: 300,
      BBRHPJW: 400,
      BBRHCJR: 50,
      BBRHPJR: 6,
    };
    // 1000 + 2000 + 300 + 400 + 50 + 6
    expect(readings(parse(tic(tempo)))[0]).toMatchObject({ importWh: 3756 });
  });

  it('reads every index present for a contract it does not know', () => {
    expect(readings(parse(tic({ OPTARIF: 'ZZZ.', EJPHN: 10, EJPHPM: 5 })))[0]).toMatchObject({
      importWh: 15,
      registers: { EJPHN: 10, EJPHPM: 5 },
    });
  });

  it('keeps EAST without registers when the supplier indexes do not add up (partial frame)', () => {
    const [r] = readings(parse(tic({ EAST: 3_839_900, EASF02: 2_573_750 })));
    expect(r).toMatchObject({ importWh: 3_839_900 });
    expect(r!.registers).toBeUndefined();
  });

  it('reads EAIT as exportWh', () => {
    const body = fixtureJson('teleinfo-standard-base.tic-wrapped.adsc-zeroed.derived.json');
    (body.TIC as Record<string, unknown>).EAIT = 1234;
    expect(readings(parse(body))[0]).toMatchObject({ importWh: 22_377_879, exportWh: 1234 });
  });

  it('rejects an index that is not a non-negative decimal, naming it', () => {
    const r = rejection(parse(tic({ OPTARIF: 'HC..', HCHC: -1, HCHP: 5 })));
    expect(r).toMatchObject({ reason: 'invalid_schema' });
    expect(r.detail).toContain('TIC.HCHC');
    expect(rejection(parse({ TIC: null })).reason).toBe('no_reading');
    expect(rejection(parse({ TIC: [1] })).reason).toBe('invalid_schema');
  });
});

describe('tasmota ENERGY and sensor groups', () => {
  const plug = () => fixtureJson('energy-plug-single-phase.json');
  const withEnergy = (energy: unknown) => ({ ...plug(), ENERGY: energy });

  it('adds per-channel power and per-phase export', () => {
    const [r] = readings(
      parse(withEnergy({ Total: 0.077, Power: [8.15, 0.1], ExportActive: [0.001, 0.0025] })),
    );
    // 0.077 kWh = 77 Wh; 8.15 + 0.1 = 8.25 W; 0.001 + 0.0025 = 0.0035 kWh = 3.5 Wh -> 4 Wh
    expect(r).toMatchObject({ importWh: 77, powerW: 8.25, exportWh: 4 });
  });

  it('refuses an array Total, which is per phase or per tariff depending on firmware', () => {
    const r = rejection(parse(withEnergy({ Total: [1.0, 2.0, 3.0] })));
    expect(r.reason).toBe('invalid_schema');
    expect(r.detail).toContain('SetOption129');
  });

  it('rejects a status without Total, a null ENERGY and bad values', () => {
    expect(rejection(parse(withEnergy({ Power: 5 }))).reason).toBe('no_reading');
    expect(rejection(parse(withEnergy({ Total: null }))).reason).toBe('no_reading');
    expect(rejection(parse(withEnergy(null))).reason).toBe('no_reading');
    expect(rejection(parse(withEnergy(5))).reason).toBe('invalid_schema');
    const neg = rejection(parse(withEnergy({ Total: -0.5 })));
    expect(neg).toMatchObject({ reason: 'invalid_schema' });
    expect(neg.detail).toContain('ENERGY.Total');
    expect(rejection(parse(withEnergy({ Total: true }))).detail).toContain('ENERGY.Total');
    expect(rejection(parse(withEnergy({ Total: 1, Power: 'x' }))).detail).toContain('ENERGY.Power');
    expect(rejection(parse('{"ENERGY":{"Total":1e400}}')).reason).toBe('invalid_schema');
  });

  it('follows JSON.parse on a repeated key: the last one counts', () => {
    expect(readings(parse('{"ENERGY":{"Total":1},"ENERGY":{"Total":2}}'))[0]!.importWh).toBe(2000);
  });

  it('reads only the configured group when source.sensor is set, never ENERGY instead', () => {
    const r = rejection(parse(plug(), { source: { sensor: 'SML' } }));
    expect(r.reason).toBe('no_reading');
    expect(r.detail).toContain('"SML"');
  });

  it('reads a group in Wh and rejects a power-only update', () => {
    const source = {
      sensor: 'SM',
      fields: { import: '1_8_0', export: '2_8_0', power: '16_7_0' },
      energyUnit: 'Wh',
    };
    const body = {
      Time: '2026-11-29T18:15:00',
      SM: { '1_8_0': 1234.5678, '2_8_0': 2, '16_7_0': -894 },
    };
    expect(readings(parse(body, { source }))[0]).toMatchObject({
      importWh: 1235, // 1234.5678 Wh rounds to 1235
      exportWh: 2,
      powerW: -894, // feeding in
    });
    const update = rejection(parse({ SM: { '16_7_0': 5 } }, { source }));
    expect(update.reason).toBe('no_reading');
    expect(update.detail).toContain('1_8_0');
  });

  it('reads options passed with the binding topic and login', () => {
    const source = { topic: 'tele/tasmota/SENSOR', login: 'plug-1', sensor: 'SML' };
    expect(rejection(parse(plug(), { source })).detail).toContain('"SML"');
  });

  it('rejects options that do not fit the format', () => {
    expect(rejection(parse(plug(), { source: { fields: { import: 'x' } } })).reason).toBe(
      'invalid_schema',
    );
    expect(rejection(parse(plug(), { source: { sensor: 'SML', colour: 1 } })).reason).toBe(
      'invalid_schema',
    );
    const listed = ['SML'] as unknown as Record<string, unknown>;
    expect(rejection(parse(plug(), { source: listed })).reason).toBe('invalid_schema');
  });
});

describe('tasmota payloads that are not a SENSOR message', () => {
  it('rejects non-JSON, invalid UTF-8 and non-objects', () => {
    expect(rejection(parse('Online')).reason).toBe('invalid_json');
    expect(rejection(parse(Buffer.from([0xff, 0xfe, 0x7b]))).reason).toBe('invalid_json');
    // Not UTF-8 inside a string: decoding it with replacement characters would read bytes the device
    // never sent, as the other JSON formats refuse to.
    const latin1 = Buffer.from('{"DeviceName":"Caf\u00e9","ENERGY":{"Total":1}}', 'latin1');
    expect(rejection(parse(latin1))).toEqual({
      reason: 'invalid_json',
      detail: 'payload is not UTF-8',
    });
    expect(rejection(parse('[{"ENERGY":{"Total":1}}]')).reason).toBe('invalid_schema');
    expect(rejection(parse('null')).reason).toBe('invalid_schema');
  });

  it('keeps prototype keys on the payload itself', () => {
    expect(rejection(parse('{"__proto__":{"ENERGY":{"Total":5}}}')).reason).toBe('no_reading');
    expect(rejection(parse('{"ENERGY":{"__proto__":{"Total":5}}}')).detail).toBe(
      'ENERGY has no Total',
    );
    const own = readings(
      parse('{"__proto__":{"Total_in":1}}', { source: { sensor: '__proto__' } }),
    );
    expect(own[0]!.importWh).toBe(1000);
    expect(({} as Record<string, unknown>).Total_in).toBeUndefined();
    expect(
      rejection(parse({ ENERGY: { Total: 1 } }, { source: { sensor: 'constructor' } })).reason,
    ).toBe('no_reading');
  });
});
