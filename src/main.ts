import 'reflect-metadata';
import { createApp } from './app.factory';
import { loadConfigOrExit, resolveServices } from './bootstrap';

async function bootstrap(): Promise<void> {
  const config = await resolveServices(loadConfigOrExit());
  const app = await createApp(config);
  await app.listen({ port: config.app.port, host: config.app.host });
}

bootstrap().catch((e) => {
  process.stderr.write(`Start-up failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
