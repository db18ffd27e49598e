import { Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Validates `asyncapi.json` with the AsyncAPI parser (its specification and ruleset); exits 1 on any error or warning.
 */
async function main(): Promise<void> {
  const path = process.argv[2] ?? join(__dirname, '..', '..', 'asyncapi.json');
  const diagnostics = await new Parser().validate(readFileSync(path, 'utf8'), { source: path });
  // severity 0 = error, 1 = warning, 2 = information, 3 = hint
  const problems = diagnostics.filter((d) => d.severity <= 1);
  for (const d of diagnostics) {
    process.stderr.write(`${['error', 'warning', 'info', 'hint'][d.severity]} ${d.code} at ${d.path.join('.')}: ${d.message}\n`);
  }
  process.stderr.write(`${path}: ${problems.length} errors or warnings\n`);
  if (problems.length) process.exit(1);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
