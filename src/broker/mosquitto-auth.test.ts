import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  aclFile,
  brokerAuthFiles,
  meterPassword,
  mosquittoHash,
  passwordFile,
  verifyMosquittoHash,
} from './mosquitto-auth.js';

const MOSQUITTO_PASSWD = '/usr/bin/mosquitto_passwd';

describe('mosquitto $7$ hashes', () => {
  it('verifies a line written by mosquitto_passwd 2.0.11 (alice / secret)', () => {
    const line =
      '$7$101$z+XL6svGbEutt9SG$FXyHaqevzZzV8TkAuqjNb7cYzPMzL52CF5hmlx65iGIj/qBsTNp9nOID32nXp7TYdFitGxMjjag539iUvzukZg==';
    expect(verifyMosquittoHash('secret', line)).toBe(true);
    expect(verifyMosquittoHash('Secret', line)).toBe(false);
    // Same salt and iterations give the same line: our format is mosquitto_passwd's, byte for byte.
    expect(mosquittoHash('secret', { salt: Buffer.from('z+XL6svGbEutt9SG', 'base64') })).toBe(line);
  });

  it('writes 12 bytes of fresh salt, 64 bytes of hash and the iteration count', () => {
    const [a, b] = [mosquittoHash('pw'), mosquittoHash('pw', { iterations: 1000 })];
    expect(a).toMatch(/^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
    expect(b.startsWith('$7$1000$')).toBe(true);
    expect(a).not.toBe(mosquittoHash('pw'));
    expect([
      verifyMosquittoHash('pw', a),
      verifyMosquittoHash('pw', b),
      verifyMosquittoHash('pw', 'pw'),
      verifyMosquittoHash('pw', '$6$x$y'),
    ]).toEqual([true, true, false, false]);
    expect(() => mosquittoHash('pw', { iterations: 0 })).toThrow(RangeError);
  });

  it.skipIf(!existsSync(MOSQUITTO_PASSWD))('agrees with the installed mosquitto_passwd', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wl-passwd-'));
    try {
      const file = path.join(dir, 'pw');
      execFileSync(MOSQUITTO_PASSWD, ['-c', '-b', file, 'meter-1', 'correct horse']);
      const [user, hash] = readFileSync(file, 'utf8').trim().split(':');
      expect(user).toBe('meter-1');
      expect(verifyMosquittoHash('correct horse', hash ?? '')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fleet accounts', () => {
  const secret = 's'.repeat(40);

  it('derives a stable 256-bit password per meter from the secret', () => {
    expect(meterPassword(secret, 'm-1')).toBe(meterPassword(secret, 'm-1'));
    expect(meterPassword(secret, 'm-1')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(meterPassword(secret, 'm-1')).not.toBe(meterPassword(secret, 'm-2'));
    expect(meterPassword(secret, 'm-1')).not.toBe(meterPassword(`${secret}x`, 'm-1'));
  });

  it('writes one line per account, sorted, each verifying its password', () => {
    const files = brokerAuthFiles({
      meterIds: ['m-2', 'm-1'],
      meterSecret: secret,
      ingest: { username: 'ingest', password: 'ip' },
      simulator: { username: 'sim', password: 'sp' },
    });
    const lines = files.passwordFile
      .trimEnd()
      .split('\n')
      .map((l) => l.split(':') as [string, string]);
    expect(lines.map(([u]) => u)).toEqual(['ingest', 'm-1', 'm-2', 'sim']);
    const pw = new Map([
      ['ingest', 'ip'],
      ['sim', 'sp'],
      ...files.meterAccounts.map((a) => [a.username, a.password] as const),
    ]);
    for (const [user, hash] of lines)
      expect(verifyMosquittoHash(pw.get(user) ?? '', hash), user).toBe(true);
  });

  it('refuses a meter named like a service account, and usernames the file format cannot hold', () => {
    expect(() =>
      brokerAuthFiles({
        meterIds: ['ingest'],
        meterSecret: secret,
        ingest: { username: 'ingest', password: 'x' },
      }),
    ).toThrow(/two broker accounts/);
    expect(() => passwordFile([{ username: 'a:b', password: 'x' }])).toThrow(
      /cannot be a Mosquitto username/,
    );
    expect(() => passwordFile([{ username: 'a b', password: 'x' }])).toThrow(
      /cannot be a Mosquitto username/,
    );
  });

  it('lets meters write their own topic only, ingest read all, and the simulator (when asked) write all', () => {
    expect(aclFile({ ingestUser: 'ingest' })).toBe(
      [
        '# Patterns apply to every user: a meter (username = meter id) writes its own readings topic, nothing else.',
        'pattern write meters/%u/readings',
        '# ... and may read inside its own tree only: never another meter, # or $SYS.',
        'pattern read meters/%u/#',
        '',
        'user ingest',
        'topic read meters/+/readings',
        'topic read $share/+/meters/+/readings',
        '# Ingest also subscribes below the readings topic, to record what lands there as invalid_topic.',
        'topic read meters/+/readings/+/#',
        'topic read $share/+/meters/+/readings/+/#',
        '',
      ].join('\n'),
    );
    expect(aclFile({ ingestUser: 'ingest', simulatorUser: 'sim', header: 'one\ntwo' })).toMatch(
      /^# one\n# two\n[^]*\nuser sim\ntopic write meters\/\+\/readings\n$/,
    );
  });
});
