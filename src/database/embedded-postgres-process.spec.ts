import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stageNative } from './embedded-postgres-process';

describe('stageNative', () => {
  let base: string;
  let source: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'stage-native-'));
    source = join(base, 'node_modules', 'native');
    mkdirSync(join(source, 'bin'), { recursive: true });
    mkdirSync(join(source, 'lib'));
    writeFileSync(join(source, 'bin', 'postgres'), '#!/bin/sh\n');
    chmodSync(join(source, 'bin', 'postgres'), 0o700); // as a umask of 077 would have installed it
    writeFileSync(join(source, 'lib', 'libpq.so.5.17'), 'elf');
    symlinkSync('libpq.so.5.17', join(source, 'lib', 'libpq.so.5'));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('copies the directory with its symbolic links, readable and searchable by all, under 0755 directories', async () => {
    const state = join(base, 'state');
    const target = join(state, 'embedded-postgres', '17.6.0', 'native');
    await stageNative(source, target, state);
    expect(lstatSync(join(target, 'lib', 'libpq.so.5')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(target, 'lib', 'libpq.so.5'))).toBe('libpq.so.5.17');
    expect(statSync(join(target, 'bin', 'postgres')).mode & 0o777).toBe(0o755);
    for (const dir of [state, join(state, 'embedded-postgres'), join(state, 'embedded-postgres', '17.6.0'), target]) {
      expect(statSync(dir).mode & 0o777).toBe(0o755);
    }
  });

  it('lets processes that start together share one complete copy, leaving no temporary directory behind', async () => {
    const state = join(base, 'state');
    const target = join(state, 'v', 'native');
    await Promise.all([stageNative(source, target, state), stageNative(source, target, state), stageNative(source, target, state)]);
    expect(readdirSync(join(state, 'v'))).toEqual(['native']);
    expect(readdirSync(join(target, 'lib')).sort()).toEqual(['libpq.so.5', 'libpq.so.5.17']);
  });
});
