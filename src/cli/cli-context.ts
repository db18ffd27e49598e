import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createInterface } from 'node:readline';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AppModule } from '../app.module';
import { AppConfig } from '../config/app-config';
import { loadConfigOrExit, releaseServices, resolveServices } from '../bootstrap';
import { flattenValidationErrors } from '../common/http/validation';
import { DomainError } from '../core/domain-error';

/**
 * The configuration of a command: the server's own environment, so the command reaches the same database (the
 * running server's embedded PostgreSQL included) and Redis. It runs as the `api` role: no queue processor,
 * stream consumer or schedule of its own, and no first admin from ADMIN_EMAIL / ADMIN_PASSWORD.
 */
export async function commandConfig(): Promise<AppConfig> {
  return resolveServices(loadConfigOrExit({ LOG_LEVEL: 'warn', LOG_PRETTY: 'false', ADMIN_EMAIL: '', ADMIN_PASSWORD: '', PROCESS_ROLE: 'api' }));
}

/** Runs `fn` with the application's services (no HTTP listener), then closes everything it opened. */
export async function withApp<T>(fn: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const config = await commandConfig();
  const app = await NestFactory.createApplicationContext(AppModule.register(config), { logger: ['error'] });
  try {
    return await fn(app);
  } finally {
    await app.close();
    await releaseServices();
  }
}

/** Validates `plain` as the API would validate the same body; throws the API's validation error. */
export async function validated<T extends object>(type: new () => T, plain: object): Promise<T> {
  const dto = plainToInstance(type, plain);
  const problems = flattenValidationErrors(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
  if (problems.length) throw DomainError.validation(problems);
  return dto;
}

/**
 * A password from the environment variable `envName` (for scripts), else one line read from standard input
 * (prompted on a terminal).
 */
export async function readPassword(envName: string): Promise<string> {
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY });
  const answer = await new Promise<string>((resolve) => {
    rl.question('Password (8-128 characters): ', resolve);
    rl.once('close', () => resolve(''));
  });
  rl.close();
  return answer.replace(/\r?\n$/, '');
}

/** `--json`: one JSON document on stdout; otherwise the text form. */
export function output(json: boolean | undefined, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text());
}

/** Aligned columns for list output. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (!rows.length) return '(none)\n';
  const cell = (v: unknown) => (v === null || v === undefined ? '-' : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => `${values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd()}\n`;
  return line(columns.map((c) => c.toUpperCase())) + rows.map((r) => line(columns.map((c) => cell(r[c])))).join('');
}
