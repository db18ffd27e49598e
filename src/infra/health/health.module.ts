import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { QueueMonitor } from '../queues/queue-monitor.service';
import { HealthController } from './health.controller';
import { LandingController } from './landing.controller';
import { ReadinessRegistry } from './readiness.registry';

@Global()
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false })],
  controllers: [HealthController, LandingController],
  providers: [ReadinessRegistry, QueueMonitor],
  exports: [ReadinessRegistry],
})
export class HealthModule {}
