import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

/** One import of a source file: the file it names (repository-relative, '/'-separated) and its line. */
export interface ImportEdge {
  from: string;
  to: string;
  line: number;
}

export interface SourceFile {
  path: string;
  text: string;
}

const EXTENSIONS = ['.ts', '.d.ts', '/index.ts'];

/** Every .ts file under `dir` (repository-relative paths), skipping node_modules and generated output. */
export function listSources(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const name of readdirSync(abs)) {
      if (name === 'node_modules' || name === 'dist') continue;
      const child = join(abs, name);
      if (statSync(child).isDirectory()) walk(child);
      else if (name.endsWith('.ts')) out.push(relative(root, child).split(sep).join('/'));
    }
  };
  if (existsSync(join(root, dir))) walk(join(root, dir));
  return out.sort();
}

export function readSources(root: string, paths: string[]): SourceFile[] {
  return paths.map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));
}

/**
 * The relative imports of `files` (static, type-only, re-exports, dynamic `import()` and `require`), resolved to
 * the files they name; package imports are left out. `exists` decides which candidate paths are files.
 */
export function importEdges(files: SourceFile[], exists: (path: string) => boolean): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const info = ts.preProcessFile(file.text, true, true);
    const lineOf = (pos: number) => file.text.slice(0, pos).split('\n').length;
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const base = resolve('/', dirname(file.path), ref.fileName).slice(1);
      const candidates = [base, ...EXTENSIONS.map((ext) => base + ext)];
      const to = candidates.find((candidate) => candidate.endsWith('.ts') && exists(candidate));
      if (to) edges.push({ from: file.path, to, line: lineOf(ref.pos) });
    }
  }
  return edges;
}
