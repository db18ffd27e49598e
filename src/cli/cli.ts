import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Command } from 'commander';
import { createInterface } from 'node:readline';
import { AppModule } from '../app.module';
import { loadConfigOrExit, resolveServices } from '../bootstrap';
import { SYSTEM_ACTOR } from '../common/auth/principal';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { flattenValidationErrors } from '../common/http/validation';
import { DomainError } from '../core/domain-error';
import { Role } from '../core/permissions';
import { CreateUserDto } from '../users/dto/user-input.dto';
import { UsersService } from '../users/users.service';

async function readPassword(): Promise<string> {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY });
  const answer = await new Promise<string>((resolve) => rl.question('Password (8-128 characters): ', resolve));
  rl.close();
  return answer.replace(/\r?\n$/, '');
}

async function createAdmin(opts: { email: string; name: string }): Promise<void> {
  const password = await readPassword();
  const dto = plainToInstance(CreateUserDto, { email: opts.email, name: opts.name, password, role: Role.ADMIN });
  const problems = flattenValidationErrors(await validate(dto));
  if (problems.length) throw DomainError.validation(problems);
  // the api role: a command runs none of the queue processors, stream consumer or schedules
  const config = await resolveServices(loadConfigOrExit({ LOG_LEVEL: 'warn', ADMIN_EMAIL: '', ADMIN_PASSWORD: '', PROCESS_ROLE: 'api' }));
  const app = await NestFactory.createApplicationContext(AppModule.register(config), { logger: ['error', 'warn'] });
  try {
    const user = await app.get(UsersService).createAdmin(SYSTEM_ACTOR, opts.email, password, opts.name);
    process.stdout.write(`created admin ${user.email} (${user.id})\n`);
  } finally {
    await app.close();
  }
}

const program = new Command('ids-ai').description('IDS-AI administration commands');
program
  .command('users:create-admin')
  .description('Create an admin user. The password is read from ADMIN_PASSWORD or asked on standard input.')
  .requiredOption('--email <email>', 'email of the new admin')
  .option('--name <name>', 'display name', 'Administrator')
  .action(createAdmin);

program.parseAsync(process.argv).then(
  () => process.exit(0),
  (e) => {
    const details = (e as { details?: { field: string; reason: string }[] }).details;
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    for (const d of details ?? []) process.stderr.write(`  ${d.field}: ${d.reason}\n`);
    process.exit(1);
  },
);
