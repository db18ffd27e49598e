import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { startApi, startWorker } from './app.factory';
import { loadConfigOrExit, releaseServices, resolveServices } from './bootstrap';
import { servesApi } from './config/process-role';
import { shutdownOnSignals } from './infra/lifecycle/graceful-shutdown';
import { startupLogger } from './infra/logging/startup-logger';

async function bootstrap(): Promise<void> {
  const loaded = loadConfigOrExit();
  Logger.overrideLogger(startupLogger(loaded.log));
  const config = await resolveServices(loaded);
  const { role } = config.app;
  const started = servesApi(role) ? await startApi(config) : await startWorker(config);
  shutdownOnSignals(
    {
      shutdown: started.shutdown,
      closeListeners: () => started.closeListeners(),
      close: async () => {
        await started.close();
        await releaseServices();
      },
    },
    config.shutdown,
  );
  const serves = role === 'worker' ? '/health and /metrics only' : 'REST, Socket.IO, /docs, /health, /metrics';
  const runs = role === 'api' ? 'no queue processors or schedules (jobs are only enqueued)' : 'queue processors, stream consumer and schedules';
  new Logger('Bootstrap').log(`started as PROCESS_ROLE=${role} (pid ${process.pid}) on ${started.address}: serves ${serves}; runs ${runs}`);
}

bootstrap().catch((e) => {
  process.stderr.write(`Start-up failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
