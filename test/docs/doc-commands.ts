import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every shell command of the documents (README.md, docs/, models/) and what CI does with it: run by an existing
 * script or spec (`ci`), run by `npm run docs:commands` (`run`), or not run in CI, with the reason (`notInCi`).
 * A command that none of the entries below matches, or an entry that matches no command, fails the check
 * (test/foundation/docs.e2e-spec.ts and scripts/doc-commands-check.ts). docs/testing.md describes it.
 */

export interface DocCommand {
  file: string;
  line: number;
  /** The fenced block it belongs to (its first line): commands of a block share a working directory. */
  block: number;
  /** The command, continuation lines joined, without its trailing comment. */
  text: string;
}

export interface RunSpec {
  /** Replacements of placeholders or of names that must not touch the real system (applied in order). */
  replace?: [string | RegExp, string][];
  /** Expected exit code or codes (default 0) and a pattern the output (stdout and stderr) must match. */
  exit?: number | number[];
  output?: RegExp;
}

export type Treatment =
  /** Run by another CI step; `evidence`: [file, text it contains] pairs that show it (checked). */
  | { ci: string; evidence: [string, string][] }
  | { run: RunSpec }
  | { notInCi: string; optionsCheckedBy?: string };

export interface DocCommandEntry {
  /** The command as written (exact) or a pattern; `file`, when given, limits the entry to that document. */
  match: string | RegExp;
  file?: string;
  treat: Treatment;
}

const root = join(__dirname, '..', '..');
const DOCKER = 'needs a Docker engine; the CI machine has none (the image is built by whoever ships it)';
const SHARED =
  'trains on the CIC-IDS2017 files of ../shared/data, which are not in the repository, for 10 to 20 minutes on ' +
  'two cores; training itself is exercised on the fixtures by src/inference/model/training-run.spec.ts';
const TRAIN_HELP = 'npm run --silent model:train -- --help';
const QUICKSTART: [string, string][] = [
  ['.ci/run', 'bash scripts/quickstart-check.sh'],
  ['scripts/quickstart-check.sh', 'DOC=docs/quickstart.md'],
];
const START: [string, string] = ['scripts/quickstart-check.sh', 'setsid npm start '];
const NPM_TEST: [string, string][] = [['.ci/run', '\nnpm test\n']];
const SCRATCH_DB: [RegExp, string] = [/\/ids_ai\b/, '/$SCRATCH_DB'];

/**
 * Entries in the order `docs:commands` runs them: the first entry that matches a command decides. The `run`
 * commands get a scratch database on the machine's PostgreSQL as DATABASE_URL (the documents' `ids_ai` is replaced
 * by it), a Redis key prefix and a temporary directory of their own.
 */
export const DOC_COMMANDS: DocCommandEntry[] = [
  { file: 'docs/quickstart.md', match: /./, treat: { ci: 'scripts/quickstart-check.sh', evidence: QUICKSTART } },
  {
    match: /^npm ci( && npm start)?$/,
    treat: {
      ci: '.ci/run (`npm ci`), then scripts/quickstart-check.sh (`npm start`)',
      evidence: [['.ci/run', '\nnpm ci '], START, ...QUICKSTART],
    },
  },
  { match: 'npm start', treat: { ci: 'scripts/quickstart-check.sh', evidence: [START, ...QUICKSTART] } },
  { match: 'npm test', treat: { ci: '.ci/run', evidence: NPM_TEST } },
  { match: 'npm run test:unit', treat: { ci: '`npm test` in .ci/run, which runs this project', evidence: NPM_TEST } },
  {
    match: /^npx jest (test\/[\w/-]+|--selectProjects (unit|e2e) --testPathPattern [\w/.-]+)$/,
    treat: { ci: '`npm test` in .ci/run, which runs these specs', evidence: NPM_TEST },
  },
  {
    match: /^FUZZ_(RUNS|SEED)=.* npx jest /,
    treat: { notInCi: 'deeper fuzzing or a replay takes minutes; `npm test` runs these suites at the default depth' },
  },
  {
    match: 'npm run lock:refresh',
    treat: {
      ci: '.ci/run, which fails when it changes package-lock.json',
      evidence: [['.ci/run', 'npm run --silent lock:refresh']],
    },
  },
  { match: 'npm install', treat: { notInCi: 'changes node_modules in place; .ci/run installs with `npm ci`' } },
  { match: /^git add /, treat: { notInCi: 'stages a change in the reader\u2019s own checkout' } },
  { match: /(^| )docker( compose)? /, treat: { notInCi: DOCKER } },
  { match: /<command>/, treat: { notInCi: 'a syntax template (`<command> [options]`), not a command' } },
  { match: /\/tmp\/cic-both\/?/, file: 'docs/eve-model.md', treat: { notInCi: SHARED, optionsCheckedBy: TRAIN_HELP } },
  {
    match: /^npm run model:train(:default| -- .*\.\.\/shared\/)/,
    treat: { notInCi: SHARED, optionsCheckedBy: TRAIN_HELP },
  },

  // run by `npm run docs:commands`, in this order
  { match: /^npm run --silent cli -- --help$/, treat: { run: { output: /users:create-admin/ } } },
  {
    match: /^DATABASE_URL=\S+\/ids_ai npm run migration:run$/,
    treat: { run: { replace: [SCRATCH_DB], output: /Migration \w+ has been executed successfully/ } },
  },
  {
    // into a scratch directory: the entities do not declare the migrations' indexes and keys, so it proposes changes
    match: /^DATABASE_URL=\S+\/ids_ai npm run migration:generate -- migrations\/\w+$/,
    treat: {
      run: {
        replace: [SCRATCH_DB, [/ migrations\//, ' $SCRATCH_DIR/']],
        exit: [0, 1],
        output: /has been generated successfully|No changes in database schema were found/,
      },
    },
  },
  { match: /users:create-admin --email/, treat: { run: { output: /admin@example\.com/ } } },
  { match: /users:create --email/, treat: { run: { output: /ada@example\.com/ } } },
  { match: /users:set-role ada@example\.com viewer$/, treat: { run: { output: /viewer/ } } },
  { match: /users:list --json$/, treat: { run: { output: /"role": "viewer"/ } } },
  {
    match: /^DATABASE_URL=\S+\/ids_ai npm run migration:revert$/,
    treat: { run: { replace: [SCRATCH_DB], output: /Migration \w+ has been reverted successfully/ } },
  },
  {
    match: /^npm run --silent model:evaluate -- --data path\/to\/flows\.csv( --model DIR)? --json$/,
    treat: {
      run: {
        replace: [['path/to/flows.csv', 'test/fixtures/cicids2017-sample.csv'], [' DIR ', ' models/default-eve ']],
        output: /"macroF1":/,
      },
    },
  },
  { match: 'cd ops/prometheus', treat: { run: {} } },
  { match: /^promtool (check config|test rules) [\w.]+\.yml$/, treat: { run: { output: /SUCCESS/ } } },
];

const SHELL_FENCE = /^(bash|sh|shell|console|zsh)$/;
/** An unlabelled or `text` block whose first line starts like a command is a shell block too. */
const COMMAND_WORDS = 'npm|npx|node|curl|docker|git|cd|bash|sh|sudo|systemctl|psql|redis-cli|promtool|mkdir|ln|export';
const LOOKS_LIKE_COMMAND = new RegExp(`^(\\$ )?(${COMMAND_WORDS}|[A-Z_][A-Z0-9_]*=\\S*) `);

/** The documents whose commands are checked. */
export function documents(): string[] {
  const files = ['README.md'];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const path = join(dir, name);
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (name.endsWith('.md')) files.push(path);
    }
  };
  for (const dir of ['docs', 'models']) if (existsSync(join(root, dir))) walk(dir);
  return files.map((f) => relative(root, join(root, f)));
}

/** The shell commands of one document's fenced blocks. */
export function commandsOf(file: string, markdown: string): DocCommand[] {
  const commands: DocCommand[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)\s*$/.exec(lines[i]);
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    const body = lines.slice(i + 1, end < 0 ? lines.length : end);
    const first = body.find((l) => l.trim()) ?? '';
    const shell = SHELL_FENCE.test(fence[1]) || (['', 'text'].includes(fence[1]) && LOOKS_LIKE_COMMAND.test(first));
    if (shell) commands.push(...blockCommands(file, i + 1, body));
    i = end < 0 ? lines.length : end;
  }
  return commands;
}

function blockCommands(file: string, block: number, body: string[]): DocCommand[] {
  const commands: DocCommand[] = [];
  for (let j = 0; j < body.length; j++) {
    const line = block + 1 + j;
    let text = body[j];
    while (text.endsWith('\\') && j + 1 < body.length) text = `${text.slice(0, -1).trimEnd()} ${body[++j].trim()}`;
    text = withoutComment(text.replace(/^\$ /, '')).trim();
    if (text) commands.push({ file, line, block, text });
  }
  return commands;
}

/** The line without a trailing `# comment` (a `#` inside quotes or a word is kept). */
function withoutComment(line: string): string {
  let quote: string | null = null;
  for (let k = 0; k < line.length; k++) {
    const c = line[k];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (k === 0 || /\s/.test(line[k - 1]))) return line.slice(0, k);
  }
  return line;
}

export function allDocCommands(): DocCommand[] {
  return documents().flatMap((file) => commandsOf(file, readFileSync(join(root, file), 'utf8')));
}

export function entryFor(command: DocCommand): DocCommandEntry | undefined {
  return DOC_COMMANDS.find(
    (e) =>
      (!e.file || e.file === command.file) &&
      (typeof e.match === 'string' ? e.match === command.text : e.match.test(command.text)),
  );
}

/** Commands no entry matches, and entries that match no command (stale). */
export function classify(commands: DocCommand[]): { unlisted: DocCommand[]; stale: DocCommandEntry[] } {
  const used = new Set<DocCommandEntry>();
  const unlisted: DocCommand[] = [];
  for (const c of commands) {
    const entry = entryFor(c);
    if (entry) used.add(entry);
    else unlisted.push(c);
  }
  return { unlisted, stale: DOC_COMMANDS.filter((e) => !used.has(e)) };
}

/** `ci` entries whose evidence does not hold: the file is missing or no longer contains the text. */
export function missingEvidence(): string[] {
  const missing: string[] = [];
  for (const entry of DOC_COMMANDS) {
    if (!('ci' in entry.treat)) continue;
    for (const [file, text] of entry.treat.evidence) {
      const content = existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : null;
      if (content?.includes(text)) continue;
      missing.push(`${String(entry.match)}: ${file} does not contain ${JSON.stringify(text)}`);
    }
  }
  return missing;
}
