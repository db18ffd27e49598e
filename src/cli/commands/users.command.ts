import { INestApplicationContext } from '@nestjs/common';
import { Argument, Command, Option } from 'commander';
import { SYSTEM_ACTOR } from '../../common/auth/principal';
import { DomainError } from '../../core/domain-error';
import { Role } from '../../core/permissions';
import { CreateUserDto, ResetPasswordDto, UpdateUserDto } from '../../users/dto/user-input.dto';
import { assertPasswordAllowed } from '../../users/users.service';
import { toUserDto } from '../../users/dto/user.dto';
import { UserEntity } from '../../users/user.entity';
import { UsersRepository } from '../../users/users.repository';
import { UsersService } from '../../users/users.service';
import { output, readPassword, table, validated, withApp } from '../cli-context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PASSWORD_ENV = 'IDS_PASSWORD';
const roleOption = () => new Option('--role <role>', 'role').choices(Object.values(Role));

/** A user by id, email or username. */
async function findUser(app: INestApplicationContext, ref: string): Promise<UserEntity> {
  const users = app.get(UsersRepository, { strict: false });
  const user = UUID.test(ref) ? await users.findById(ref) : await users.findForLogin(ref);
  if (!user) throw DomainError.notFound('User', ref);
  return user;
}

function printUser(json: boolean | undefined, verb: string, user: UserEntity): void {
  output(json, toUserDto(user), () => `${verb} ${user.email} (${user.id}, role ${user.role})\n`);
}

async function create(opts: { email: string; name?: string; username?: string; role: Role; json?: boolean }): Promise<void> {
  const password = await readPassword(opts.role === Role.ADMIN && process.env.ADMIN_PASSWORD ? 'ADMIN_PASSWORD' : PASSWORD_ENV);
  const dto = await validated(CreateUserDto, { email: opts.email, name: opts.name, username: opts.username, role: opts.role, password });
  // before connecting to anything: the service checks it again when it creates the user
  assertPasswordAllowed('password', password, dto);
  await withApp(async (app) => printUser(opts.json, 'created', await app.get(UsersService).create(SYSTEM_ACTOR, dto)));
}

export function usersCommands(program: Command): void {
  program
    .command('users:create')
    .description(`Create a user. The password is read from ${PASSWORD_ENV} (ADMIN_PASSWORD for an admin) or standard input.`)
    .requiredOption('--email <email>', 'email (also the login)')
    .addOption(roleOption().makeOptionMandatory())
    .option('--name <name>', 'display name')
    .option('--username <username>', 'a second login name')
    .option('--json', 'print the user as JSON')
    .action(create);

  program
    .command('users:create-admin')
    .description('Create an admin user. The password is read from ADMIN_PASSWORD or standard input.')
    .requiredOption('--email <email>', 'email of the new admin')
    .option('--name <name>', 'display name', 'Administrator')
    .option('--json', 'print the user as JSON')
    .action((opts: { email: string; name: string; json?: boolean }) => create({ ...opts, role: Role.ADMIN }));

  program
    .command('users:list')
    .description('List the users, oldest first')
    .option('--json', 'print a JSON array')
    .action(async (opts: { json?: boolean }) => {
      await withApp(async (app) => {
        const [users] = await app.get(UsersService).list(1, 10_000);
        const dtos = users.map(toUserDto);
        output(opts.json, dtos, () => table(dtos as unknown as Record<string, unknown>[], ['id', 'email', 'role', 'is_active', 'last_login_at']));
      });
    });

  program
    .command('users:set-role')
    .description('Change the role of a user (the last active admin cannot lose the role)')
    .argument('<user>', 'id, email or username')
    .addArgument(new Argument('<role>', 'new role').choices(Object.values(Role)))
    .option('--json', 'print the user as JSON')
    .action(async (ref: string, role: Role, opts: { json?: boolean }) => {
      const dto = await validated(UpdateUserDto, { role });
      await withApp(async (app) => {
        const user = await findUser(app, ref);
        printUser(opts.json, 'updated', await app.get(UsersService).update(SYSTEM_ACTOR, user.id, dto));
      });
    });

  program
    .command('users:reset-password')
    .description(`Set a new password and end the user's sessions. The password is read from ${PASSWORD_ENV} or standard input.`)
    .argument('<user>', 'id, email or username')
    .action(async (ref: string) => {
      const dto = await validated(ResetPasswordDto, { password: await readPassword(PASSWORD_ENV) });
      await withApp(async (app) => {
        const user = await findUser(app, ref);
        await app.get(UsersService).resetPassword(SYSTEM_ACTOR, user.id, dto.password);
        process.stdout.write(`password reset for ${user.email}\n`);
      });
    });
}
