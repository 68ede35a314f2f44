import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMqttTls } from './mqtt-tls.js';

describe('readMqttTls', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wl-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, body: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, body);
    return f;
  };

  it('answers nothing when no file is named: mqtts:// then trusts the public roots', () => {
    expect(readMqttTls({})).toBeUndefined();
  });

  it('reads the CA, and the client certificate and key, as given', () => {
    const ca = file('ca.pem', 'CA');
    expect(readMqttTls({ caFile: ca })).toEqual({ ca: Buffer.from('CA') });
    expect(
      readMqttTls({ caFile: ca, certFile: file('c.pem', 'C'), keyFile: file('k.pem', 'K') }),
    ).toEqual({ ca: Buffer.from('CA'), cert: Buffer.from('C'), key: Buffer.from('K') });
  });

  it("stops at start with the variable's name when a file is missing", () => {
    expect(() => readMqttTls({ caFile: path.join(dir, 'nope.pem') })).toThrow(
      /MQTT_CA_FILE .*nope\.pem cannot be read/,
    );
  });
});
