import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../app.factory';
import { buildAsyncApiDocument } from '../asyncapi';
import { loadConfig } from '../config/app-config';
import { buildOpenApiDocument } from '../openapi';

/**
 * Writes the contracts at the repository root, without connecting to any database or Redis: `openapi.json`
 * (REST) and `asyncapi.json` (the Socket.IO events, from the same DTOs). `--check` exits 1 when a committed file
 * differs.
 */
async function main(): Promise<void> {
  const check = process.argv.slice(2).includes('--check');
  const root = join(__dirname, '..', '..');
  const app = await createApp(loadConfig({ LOG_LEVEL: 'error' }), { preview: true });
  const openapi = buildOpenApiDocument(app);
  await app.close();
  const files = {
    [join(root, 'openapi.json')]: openapi,
    [join(root, 'asyncapi.json')]: buildAsyncApiDocument(openapi),
  };
  let stale = false;
  for (const [path, document] of Object.entries(files)) {
    const text = `${JSON.stringify(document, null, 2)}\n`;
    if (!check) {
      writeFileSync(path, text);
      process.stderr.write(`wrote ${path}\n`);
    } else if (!existsSync(path) || readFileSync(path, 'utf8') !== text) {
      process.stderr.write(`${path} is out of date: run npm run openapi and commit it\n`);
      stale = true;
    } else {
      process.stderr.write(`${path} is current\n`);
    }
  }
  if (stale) process.exit(1);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
