import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockedDirectoryFor, SystemUser } from './path-access';

describe('blockedDirectoryFor', () => {
  let base: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'path-access-'));
  });
  afterEach(() => {
    chmodSync(base, 0o700);
    rmSync(base, { recursive: true, force: true });
  });

  const stranger: SystemUser = { uid: 987_654, gids: [987_654] };

  it('names the first directory another user cannot enter (a 0700 directory such as mktemp -d makes)', () => {
    mkdirSync(join(base, 'project', 'data'), { recursive: true });
    chmodSync(base, 0o700);
    expect(blockedDirectoryFor(join(base, 'project', 'data', 'postgres'), stranger)).toBe(base);
    expect(blockedDirectoryFor(join(base, 'project', 'data', 'postgres'), null)).toBe(base);
  });

  it('lets the user through directories others may enter, and those it owns or shares a group with', () => {
    mkdirSync(join(base, 'project'));
    chmodSync(base, 0o711);
    expect(blockedDirectoryFor(join(base, 'project', 'not-yet-created'), stranger)).toBeNull();
    chmodSync(base, 0o700);
    const { uid, gid } = statSync(base);
    expect(blockedDirectoryFor(join(base, 'project'), { uid, gids: [] })).toBeNull();
    chmodSync(base, 0o710);
    expect(blockedDirectoryFor(join(base, 'project'), { uid: 987_654, gids: [gid] })).toBeNull();
    expect(blockedDirectoryFor(join(base, 'project'), stranger)).toBe(base);
  });
});
