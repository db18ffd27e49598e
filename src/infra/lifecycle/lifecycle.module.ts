import { Global, Module } from '@nestjs/common';
import { QueueDrain } from './queue-drain.service';
import { ShutdownState } from './shutdown-state';

/** The process's shutdown phase (and its readiness probe) and the draining of the queues on shutdown. */
@Global()
@Module({
  providers: [ShutdownState, QueueDrain],
  exports: [ShutdownState],
})
export class LifecycleModule {}
