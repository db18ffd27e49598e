import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** A system user's ids; `null` for a user that does not exist yet (it will be an "other" to every directory). */
export interface SystemUser {
  uid: number;
  gids: number[];
}

export function systemUser(name: string): SystemUser | null {
  try {
    const id = (flag: string) => execFileSync('id', [flag, name], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    return { uid: Number(id('-u')), gids: id('-G').trim().split(/\s+/).map(Number) };
  } catch {
    return null;
  }
}

/**
 * The first directory on the way from / to `path` (the existing part of it) that `user` may not enter (no search
 * permission for it by owner, group or other bits), or `null` when it can reach `path`.
 */
export function blockedDirectoryFor(path: string, user: SystemUser | null): string | null {
  const chain: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    chain.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of chain) {
    let st;
    try {
      st = statSync(dir);
    } catch {
      return null; // from here on the directories do not exist yet: they are created for the user
    }
    if (!st.isDirectory()) continue;
    const bit = user && st.uid === user.uid ? 0o100 : user && user.gids.includes(st.gid) ? 0o010 : 0o001;
    if (user?.uid !== 0 && !(st.mode & bit)) return dir;
  }
  return null;
}
