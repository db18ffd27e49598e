import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { allDocCommands, classify, commandsOf, missingEvidence } from '../docs/doc-commands';

/**
 * The documents are part of the product: every link between them resolves (file and heading), every
 * `npm run` script they name exists, every environment variable they put in a table is one the service reads, and
 * every shell command they show is run in CI or listed with the reason it cannot be (test/docs/doc-commands.ts).
 */
const root = resolve(__dirname, '../..');

function markdownFiles(): string[] {
  const files = ['README.md'];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir))) {
      const path = join(dir, name);
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (name.endsWith('.md')) files.push(path);
    }
  };
  for (const dir of ['docs', 'models']) if (existsSync(join(root, dir))) walk(dir);
  return files;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let inCode = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inCode = !inCode;
    const heading = !inCode && /^#{1,6} (.+)$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    anchors.add(slug);
  }
  return anchors;
}

/** Markdown text outside fenced code blocks. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '');
}

const docs = markdownFiles().map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') }));

describe('documentation', () => {
  it('finds the documents', () => {
    expect(docs.map((d) => d.file)).toEqual(expect.arrayContaining(['README.md', 'docs/operators.md']));
  });

  it('README stays short: a newcomer reads it in minutes, the rest is in docs/', () => {
    const readme = docs.find((d) => d.file === 'README.md')!;
    expect(readme.text.split('\n').length).toBeLessThan(250);
  });

  it('every relative link resolves to a file, and every anchor to one of its headings', () => {
    const broken: string[] = [];
    for (const { file, text } of docs) {
      for (const match of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1];
        if (/^[a-z]+:/i.test(target)) continue;
        const [path, anchor] = target.split('#');
        const resolved = path ? join(dirname(join(root, file)), path) : join(root, file);
        if (!existsSync(resolved)) {
          broken.push(`${file}: ${target} (no such file)`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && !anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) {
          broken.push(`${file}: ${target} (no heading #${anchor} in ${relative(root, resolved)})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('every `npm run` script named in the documents exists', () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts);
    const unknown: string[] = [];
    for (const { file, text } of docs) {
      for (const match of text.matchAll(/npm run (?:--silent |-s )?([a-z][\w:.-]*)/g)) {
        if (!scripts.includes(match[1])) unknown.push(`${file}: npm run ${match[1]}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('every environment variable in a documented table is one the service reads (.env.example)', () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const known = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const unknown: string[] = [];
    for (const { file, text } of docs) {
      let variables = false; // inside a table whose first column is headed "Variable"
      for (const line of text.split('\n')) {
        if (!line.startsWith('|')) variables = false;
        else if (/^\| *Variable/i.test(line)) variables = true;
        const cell = variables && /^\| `([A-Z][A-Z0-9_]+)`(?: \/ `([A-Z][A-Z0-9_]+)`)? \|/.exec(line);
        if (!cell) continue;
        for (const name of cell.slice(1).filter(Boolean)) if (!known.has(name)) unknown.push(`${file}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('every shell command is run in CI, or listed in test/docs/doc-commands.ts with the reason it cannot be', () => {
    const { unlisted, stale } = classify(allDocCommands());
    expect(unlisted.map((c) => `${c.file}:${c.line}: ${c.text}`)).toEqual([]);
    expect(stale.map((e) => `entry ${String(e.match)} matches no command`)).toEqual([]);
    expect(missingEvidence()).toEqual([]);
    expect(readFileSync(join(root, '.ci/run'), 'utf8')).toContain('\nnpm run --silent docs:commands\n');
  });

  it('reads the commands of a block as a shell would', () => {
    const markdown = [
      '```bash',
      '# a comment line',
      'npm run model:train -- --data a.csv \\',
      '  --out models/x   # trailing comment',
      "curl -s -d '{\"a\":\"#1\"}' http://localhost:3000/x",
      '```',
      '```',
      'npm run --silent cli -- users:list',
      '```',
      '```',
      'src/',
      '  config/',
      '```',
      '```json',
      '{"npm": "start"}',
      '```',
    ].join('\n');
    expect(commandsOf('x.md', markdown)).toEqual([
      { file: 'x.md', block: 1, line: 3, text: 'npm run model:train -- --data a.csv --out models/x' },
      { file: 'x.md', block: 1, line: 5, text: `curl -s -d '{"a":"#1"}' http://localhost:3000/x` },
      { file: 'x.md', block: 7, line: 8, text: 'npm run --silent cli -- users:list' },
    ]);
  });
});
