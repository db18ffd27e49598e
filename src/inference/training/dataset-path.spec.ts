import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '../../core/domain-error';
import { OUTSIDE_DATASETS, resolveDatasetPath } from './dataset-path';

describe('resolveDatasetPath', () => {
  const base = mkdtempSync(join(tmpdir(), 'ids-dataset-path-'));
  const root = join(base, 'datasets');
  const outside = join(base, 'outside.csv');

  beforeAll(() => {
    mkdirSync(join(root, 'cic'), { recursive: true });
    writeFileSync(join(root, 'cic', 'train.csv'), 'a\n');
    writeFileSync(outside, 'secret\n');
    symlinkSync(join(root, 'cic', 'train.csv'), join(root, 'alias.csv'));
    symlinkSync(outside, join(root, 'escape.csv'));
    symlinkSync(base, join(root, 'up'), 'dir');
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const reasonOf = (p: Promise<unknown>) => p.then(() => null, (e: DomainError) => e.details);

  it('gives the real path of a file or directory inside the directory, relative or absolute, through links inside', async () => {
    const real = realpathSync(root);
    await expect(resolveDatasetPath(root, 'cic/train.csv')).resolves.toBe(join(real, 'cic', 'train.csv'));
    await expect(resolveDatasetPath(root, join(root, 'cic'))).resolves.toBe(join(real, 'cic'));
    await expect(resolveDatasetPath(root, 'alias.csv')).resolves.toBe(join(real, 'cic', 'train.csv'));
    await expect(resolveDatasetPath(root, 'up/datasets/cic/train.csv')).resolves.toBe(join(real, 'cic', 'train.csv'));
  });

  it('answers the same for what lies outside, existing or not, symlinked or reached with ..', async () => {
    for (const path of [outside, join(base, 'none.csv'), '../outside.csv', '../none.csv', 'escape.csv', 'up/outside.csv', 'up/none', 'none.csv']) {
      expect([path, await reasonOf(resolveDatasetPath(root, path))]).toEqual([path, [{ field: 'data_path', reason: OUTSIDE_DATASETS }]]);
    }
  });

  it('refuses any path when no datasets directory is configured', async () => {
    expect(await reasonOf(resolveDatasetPath(null, 'cic/train.csv'))).toEqual([
      { field: 'data_path', reason: 'is not accepted: no datasets directory is configured (DATASETS_DIR)' },
    ]);
  });
});
