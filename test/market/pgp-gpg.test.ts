// Interoperability with an independent OpenPGP implementation: GnuPG reads the lab's keys,
// verifies its signed mirror list and decrypts what encryptTo wrote; the lab verifies and
// encrypts for a key GnuPG made. Skipped (with a note) where `gpg` is not installed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, type GeneratedKey } from '../../market/pgp/keys.ts';
import { clearSign, detachedSign } from '../../market/pgp/sign.ts';
import { verifyClearSigned } from '../../market/pgp/verify.ts';
import { decryptWith, encryptTo } from '../../market/pgp/encrypt.ts';
import { groupFingerprint } from '../../market/pgp/fingerprint.ts';
import { lookalikePair } from '../../market/pgp/lookalike.ts';

const gpgVersion = spawnSync('gpg', ['--version'], { encoding: 'utf8' });
const HAVE_GPG = gpgVersion.status === 0;
if (!HAVE_GPG) {
  console.warn('pgp-gpg.test.ts: GnuPG (`gpg`) is not installed, so the interoperability tests are skipped. Install it with `apt-get install -y gnupg`.');
}

const KEY_DATE = new Date('2020-02-01T00:00:00Z');
const SIGN_DATE = new Date('2020-06-01T08:30:00Z');
const MIRRORS = '-----\nSilkWay mirrors (June 2020)\n- silkway3xq7mirror1.onion\n- silkway7kd2mirror2.onion\n';

let home = '';
let dir = '';
let market: GeneratedKey;
let rsaVendor: GeneratedKey;

interface GpgResult {
  status: number;
  stdout: string;
  stderr: string;
  /** Lines of --status-fd output, without the "[GNUPG:] " prefix. */
  statusLines: string[];
}

function gpg(args: string[], input?: string): GpgResult {
  const r = spawnSync('gpg', ['--homedir', home, '--batch', '--no-tty', '--status-fd', '2', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
    input,
    encoding: 'utf8',
    timeout: 30_000,
  });
  const statusLines = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('[GNUPG:] '))
    .map((l) => l.slice(9));
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, statusLines };
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The "fpr" record of the first key in `gpg --with-colons` output. */
function colonFingerprints(out: string): string[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('fpr:'))
    .map((l) => l.split(':')[9]);
}

describe.skipIf(!HAVE_GPG)('GnuPG interoperability', () => {
  beforeAll(async () => {
    // Short path: gpg-agent's socket lives in the home directory.
    home = mkdtempSync(join(tmpdir(), 'orpgp-'));
    dir = mkdtempSync(join(tmpdir(), 'orpgp-files-'));
    market = await generateKey({ seed: 'gpg/market', name: 'SilkWay Market', email: 'admin@silkway.onion', created: KEY_DATE });
    rsaVendor = await generateKey({ seed: 'gpg/rsa-vendor', name: 'OldSchoolRSA', created: KEY_DATE, kind: 'rsa' });
    for (const k of [market, rsaVendor]) {
      const r = gpg(['--import', file(`${k.keyId}.pub.asc`, k.publicArmored)]);
      expect(r.statusLines.some((l) => l.startsWith('IMPORT_OK'))).toBe(true);
    }
  });

  afterAll(() => {
    if (home) {
      spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { timeout: 10_000 });
      rmSync(home, { recursive: true, force: true });
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the same fingerprints, algorithms and user IDs', () => {
    const r = gpg(['--with-colons', '--fingerprint', market.fingerprint, rsaVendor.fingerprint]);
    expect(r.status).toBe(0);
    const fprs = colonFingerprints(r.stdout);
    expect(fprs).toContain(market.fingerprint);
    expect(fprs).toContain(rsaVendor.fingerprint);
    expect(r.stdout).toContain('uid:-::::1580515200::');
    expect(r.stdout).toContain('SilkWay Market <admin@silkway.onion>');
    const human = gpg(['--fingerprint', market.fingerprint]);
    expect(human.stdout).toContain(groupFingerprint(market.fingerprint));
    expect(human.stdout).toMatch(/ed25519 2020-02-01 \[SC\]/);
    expect(human.stdout).toMatch(/cv25519 2020-02-01 \[E\]/);
    const check = gpg(['--check-signatures', market.fingerprint]);
    expect(check.stdout).not.toMatch(/sig-|bad signature/i);
    expect(check.stderr).toMatch(/2 good signatures/);
  });

  it('verifies the signed mirror list, and rejects a tampered copy', async () => {
    for (const k of [market, rsaVendor]) {
      const signed = await clearSign(MIRRORS, k.privateArmored, SIGN_DATE);
      const good = gpg(['--verify', file('mirrors.txt.asc', signed)]);
      expect(good.status).toBe(0);
      expect(good.statusLines.some((l) => l.startsWith(`GOODSIG ${k.keyId} `))).toBe(true);
      const valid = good.statusLines.find((l) => l.startsWith('VALIDSIG '))!.split(' ');
      expect(valid[1]).toBe(k.fingerprint);
      expect(valid[3]).toBe(String(SIGN_DATE.getTime() / 1000));

      const tampered = signed.replace('mirror2.onion', 'mirrorX.onion');
      const bad = gpg(['--verify', file('tampered.asc', tampered)]);
      expect(bad.status).not.toBe(0);
      expect(bad.statusLines.some((l) => l.startsWith(`BADSIG ${k.keyId} `))).toBe(true);
    }
  });

  it('verifies a detached signature over mirrors.txt', async () => {
    const sig = await detachedSign(MIRRORS, market.privateArmored, SIGN_DATE);
    const data = file('mirrors.txt', MIRRORS);
    const good = gpg(['--verify', file('mirrors.txt.sig.asc', sig), data]);
    expect(good.statusLines.some((l) => l.startsWith(`GOODSIG ${market.keyId} `))).toBe(true);
    const other = file('other.txt', MIRRORS + 'extra\n');
    const bad = gpg(['--verify', join(dir, 'mirrors.txt.sig.asc'), other]);
    expect(bad.statusLines.some((l) => l.startsWith('BADSIG '))).toBe(true);
  });

  it('decrypts what encryptTo wrote to a lab key', async () => {
    const imported = gpg(['--import', file('market.sec.asc', market.privateArmored)]);
    expect(imported.statusLines.some((l) => l.startsWith('IMPORT_OK'))).toBe(true);
    const address = 'J. Doe\nFlat 4, 12 Example Road\nLondon';
    const armored = await encryptTo(market.publicArmored, address);
    const r = gpg(['--decrypt', file('order.asc', armored)]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(address);
    expect(r.statusLines.some((l) => l.startsWith('DECRYPTION_OKAY'))).toBe(true);
  });

  it('reads what GnuPG signs and encrypts, and encrypts for a key GnuPG made', async () => {
    const made = gpg(['--quick-generate-key', 'Gpg Investigator <desk@example.org>', 'future-default', 'default', 'never']);
    expect(made.status).toBe(0);
    const fpr = made.statusLines.find((l) => l.startsWith('KEY_CREATED '))!.split(' ')[2];
    const publicArmored = gpg(['--armor', '--export', fpr]).stdout;
    const privateArmored = gpg(['--armor', '--export-secret-keys', fpr]).stdout;

    const clearsigned = gpg(['--local-user', fpr, '--clearsign'], 'Seized mirror list\n- abc.onion\n').stdout;
    const v = await verifyClearSigned(clearsigned, publicArmored);
    // The newline before "-----BEGIN PGP SIGNATURE-----" belongs to the armor, not the text (RFC 4880 §7).
    expect(v).toMatchObject({ valid: true, fingerprint: fpr, text: 'Seized mirror list\n- abc.onion' });
    expect(fpr.endsWith(v.keyId!)).toBe(true);
    expect((await verifyClearSigned(clearsigned.replace('abc.onion', 'xyz.onion'), publicArmored)).reason).toBe('altered');
    expect((await verifyClearSigned(clearsigned, market.publicArmored)).reason).toBe('wrong-key');

    const toGpg = await encryptTo(publicArmored, 'for the desk');
    expect(gpg(['--decrypt'], toGpg).stdout).toBe('for the desk');

    const fromGpg = gpg(['--armor', '--trust-model', 'always', '--recipient', market.fingerprint, '--encrypt'], 'address from gpg').stdout;
    expect(await decryptWith(market.privateArmored, fromGpg)).toBe('address from gpg');
    expect(privateArmored).toContain('BEGIN PGP PRIVATE KEY BLOCK');
  });

  it('lists a lookalike under the same short key ID', async () => {
    const pair = await lookalikePair(
      { seed: 'gpg/vendor', name: 'DrGreen', created: KEY_DATE },
      { seed: 'gpg/clone', name: 'DrGreen', created: new Date('2020-04-01T00:00:00Z') },
    );
    gpg(['--import', file('genuine.asc', pair.genuine.publicArmored)]);
    gpg(['--import', file('clone.asc', pair.lookalike.publicArmored)]);
    const r = gpg(['--with-colons', '--list-keys', `0x${pair.genuine.shortId}`]);
    expect(r.status).toBe(0);
    expect(colonFingerprints(r.stdout).filter((f) => f.endsWith(pair.genuine.shortId)).sort()).toEqual(
      [pair.genuine.fingerprint, pair.lookalike.fingerprint].sort(),
    );
  });
});
