import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { DomainError } from '../../core/domain-error';

/** One answer for a path outside the directory and for one that does not exist: no existence oracle. */
export const OUTSIDE_DATASETS =
  'must name an existing CSV file or directory inside the datasets directory (DATASETS_DIR)';

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The real path of `dataPath` (relative paths are read from `root`), provided it exists inside `root` once every
 * symlink is resolved and is a regular file or a directory; otherwise a validation error on `data_path`.
 */
export async function resolveDatasetPath(root: string | null, dataPath: string): Promise<string> {
  const refuse = (reason: string) => DomainError.validation([{ field: 'data_path', reason }]);
  if (root === null) throw refuse('is not accepted: no datasets directory is configured (DATASETS_DIR)');
  const realRoot = await realpath(root);
  const real = await realpath(resolve(realRoot, dataPath)).catch(() => null);
  if (real === null || !inside(realRoot, real)) throw refuse(OUTSIDE_DATASETS);
  const kind = await stat(real);
  if (!kind.isFile() && !kind.isDirectory()) throw refuse(OUTSIDE_DATASETS);
  return real;
}
