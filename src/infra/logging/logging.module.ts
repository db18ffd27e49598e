import { Module, RequestMethod } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config';
import { correlationIdOf } from './correlation-id';
import { PRETTY_TRANSPORT } from './startup-logger';

/** JSON logs (pino) with the request's correlation id on every line; credentials are redacted. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => {
        const log = config.get('log', { infer: true });
        return {
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            level: log.level,
            genReqId: (req) => correlationIdOf(req),
            customProps: (req) => ({ correlationId: correlationIdOf(req) }),
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers["x-api-key"]',
                'req.headers.cookie',
                'res.headers["set-cookie"]',
                '*.password',
                '*.refresh_token',
                '*.access_token',
                '*.token',
                '*.secret',
              ],
              censor: '[redacted]',
            },
            serializers: {
              req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: req.url, id: req.id }),
            },
            autoLogging: { ignore: (req) => /^\/(health|metrics)/.test(req.url ?? '') },
            transport: log.pretty ? PRETTY_TRANSPORT : undefined,
          },
        };
      },
    }),
  ],
})
export class LoggingModule {}
