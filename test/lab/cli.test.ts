// The onion-range command line, run as a deployer or instructor runs it.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/onion-range.js', ...args], { encoding: 'utf8', timeout: 120_000 });

describe('onion-range CLI', () => {
  it('prints usage and refuses unknown commands', () => {
    expect(cli('help').stdout).toMatch(/onion-range serve/);
    const bad = cli('frobnicate');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it('generates a world, summarises it and verifies it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onion-cli-'));
    const out = join(dir, 'w.sqlite');
    const gen = cli('world', 'generate', '--days', '7', '--seed', '7', '--out', out);
    expect(gen.status, gen.stderr).toBe(0);
    expect(gen.stdout).toMatch(/seed 7 · from 2020-02-01 for 7 days/);
    expect(gen.stdout).toMatch(/change: combined/);
    expect(existsSync(`${out}.building`)).toBe(false);
    const verify = cli('chain', 'verify', out);
    expect(verify.status, verify.stdout).toBe(0);
    expect(verify.stdout).toMatch(/✓ \d+ blocks and \d+ confirmed transactions verified/);
    expect(cli('world', 'report', out).stdout).toMatch(/coinjoin: equal outputs/);
  }, 180_000);

  it('rejects bad world options with the field path, writing nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onion-cli-'));
    const scenario = join(dir, 'bad.json');
    writeFileSync(scenario, JSON.stringify({ days: 2, markets: [{ id: 'x', name: 'X', model: 'bazaar' }] }));
    const out = join(dir, 'w.sqlite');
    const res = cli('world', 'generate', '--scenario', scenario, '--out', out);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/markets\[0\]/);
    expect(existsSync(out)).toBe(false);
    const days = cli('world', 'generate', '--days', 'lots', '--out', out);
    expect(days.status).toBe(2);
    expect(days.stderr).toMatch(/--days must be a whole number/);
  });
});
