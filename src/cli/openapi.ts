import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../app.factory';
import { loadConfig } from '../config/app-config';
import { buildOpenApiDocument } from '../openapi';

/**
 * Writes the OpenAPI document to `openapi.json` at the repository root (or the path given), without
 * connecting to any database or Redis. `--check` exits 1 when the committed file differs.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const out = args.find((a) => !a.startsWith('--')) ?? join(__dirname, '..', '..', 'openapi.json');
  const app = await createApp(loadConfig({ LOG_LEVEL: 'error' }), { preview: true });
  const text = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  await app.close();
  if (check) {
    const { readFileSync, existsSync } = await import('node:fs');
    if (!existsSync(out) || readFileSync(out, 'utf8') !== text) {
      process.stderr.write(`${out} is out of date: run npm run openapi and commit it\n`);
      process.exit(1);
    }
    process.stderr.write(`${out} is current\n`);
    return;
  }
  writeFileSync(out, text);
  process.stderr.write(`wrote ${out}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
