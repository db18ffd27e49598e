import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SYSTEM_ACTOR } from '../common/auth/principal';
import { AppConfig } from '../config/app-config';
import { UsersService } from './users.service';

/**
 * Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when no active admin exists. Several instances may
 * start at once on an empty database: one creates the admin, the others see it done and start normally.
 */
@Injectable()
export class UsersBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersBootstrap.name);

  constructor(
    private readonly users: UsersService,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config.get('auth', { infer: true });
    if (await this.users.adminExists()) return;
    if (!adminEmail || !adminPassword) {
      this.logger.warn(
        'No admin exists: set ADMIN_EMAIL and ADMIN_PASSWORD, or run `npm run cli -- users:create-admin --email <email>`',
      );
      return;
    }
    try {
      const admin = await this.users.createAdmin(SYSTEM_ACTOR, adminEmail, adminPassword);
      this.logger.log(`Created the first admin ${admin.email}`);
    } catch (e) {
      // instances started together all find no admin; the first insert wins and the others go on without one
      if (!(await this.users.adminExists())) throw e;
      this.logger.log('The first admin was created meanwhile by another instance');
    }
  }
}
