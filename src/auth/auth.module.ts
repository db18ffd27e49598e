import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createSecretKey } from 'node:crypto';
import { AccessTokenCheck } from '../common/auth/access-token-check';
import { RefreshTokenRevocation } from '../common/auth/refresh-token-revocation';
import { AppConfig } from '../config/app-config';
import { AuthGuard } from './auth.guard';
import { UsersModule } from '../users/users.module';
import { ApiKeyEntity } from './api-keys/api-key.entity';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { BouncerKeysController } from './bouncer-keys/bouncer-keys.controller';
import { BouncerKeysService } from './bouncer-keys/bouncer-keys.service';
import { BouncerEntity } from './bouncer-keys/bouncer.entity';
import { bouncerMetricProviders } from './bouncer-keys/bouncer.metrics';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginThrottleService } from './login-throttle.service';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { SessionBus } from './session-bus';
import { SessionService } from './session.service';
import { TokenService } from './token.service';

@Global()
@Module({
  imports: [
    // the signing key as a KeyObject made once: given a string, jsonwebtoken tries (and fails) to parse it as a
    // public key on every verification
    JwtModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => ({ secret: createSecretKey(Buffer.from(config.get('auth.jwtSecret', { infer: true }))) }),
    }),
    TypeOrmModule.forFeature([RefreshTokenEntity, ApiKeyEntity, BouncerEntity]),
    UsersModule,
  ],
  controllers: [AuthController, ApiKeysController, BouncerKeysController],
  providers: [
    AuthService,
    TokenService,
    RefreshTokensRepository,
    { provide: RefreshTokenRevocation, useExisting: RefreshTokensRepository },
    LoginThrottleService,
    ApiKeysService,
    SessionBus,
    SessionService,
    { provide: AccessTokenCheck, useExisting: SessionService },
    BouncerKeysService,
    ...bouncerMetricProviders,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [
    TokenService,
    ApiKeysService,
    SessionBus,
    SessionService,
    AccessTokenCheck,
    RefreshTokenRevocation,
    BouncerKeysService,
  ],
})
export class AuthModule {}
