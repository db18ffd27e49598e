import { Command } from 'commander';
import { CreateApiKeyDto, toApiKeyDto } from '../../auth/api-keys/api-key.dto';
import { ApiKeysService } from '../../auth/api-keys/api-keys.service';
import { SYSTEM_ACTOR } from '../../common/auth/principal';
import { DomainError } from '../../core/domain-error';
import { output, table, validated, withApp } from '../cli-context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function apiKeysCommands(program: Command): void {
  program
    .command('api-keys:create')
    .description('Create a sensor API key (permission: ingest). The secret is printed once.')
    .requiredOption('--name <name>', 'what the key is for, e.g. sensor-dmz-1')
    .option('--expires-at <date-time>', 'ISO 8601 time the key stops working')
    .option('--json', 'print the key as JSON (with its secret in `key`)')
    .action(async (opts: { name: string; expiresAt?: string; json?: boolean }) => {
      const dto = await validated(CreateApiKeyDto, { name: opts.name, ...(opts.expiresAt ? { expires_at: opts.expiresAt } : {}) });
      await withApp(async (app) => {
        const expiresAt = dto.expires_at ? new Date(dto.expires_at) : null;
        const { key, secret } = await app.get(ApiKeysService, { strict: false }).create(SYSTEM_ACTOR, dto.name, expiresAt);
        output(opts.json, { ...toApiKeyDto(key), key: secret }, () => `created API key ${key.name} (${key.id})\n${secret}\n`);
      });
    });

  program
    .command('api-keys:list')
    .description('List the API keys, newest first (secrets are never shown again)')
    .option('--json', 'print a JSON array')
    .action(async (opts: { json?: boolean }) => {
      await withApp(async (app) => {
        const keys = (await app.get(ApiKeysService, { strict: false }).list()).map(toApiKeyDto);
        output(opts.json, keys, () => table(keys as unknown as Record<string, unknown>[], ['id', 'name', 'prefix', 'last_used_at', 'expires_at', 'revoked_at']));
      });
    });

  program
    .command('api-keys:revoke')
    .description('Revoke an API key: requests with it are refused from now on')
    .argument('<id>', 'the key id (api-keys:list)')
    .option('--json', 'print the key as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      if (!UUID.test(id)) throw DomainError.validation([{ field: 'id', reason: 'must be a UUID' }]);
      await withApp(async (app) => {
        const key = await app.get(ApiKeysService, { strict: false }).revoke(SYSTEM_ACTOR, id);
        output(opts.json, toApiKeyDto(key), () => `revoked API key ${key.name} (${key.id})\n`);
      });
    });
}
