import { getQueueToken } from '@nestjs/bull';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bull';
import { QUEUES } from '../queues/queues';

/** The Bull queues this process has registered (every queue of `QUEUES` whose module is loaded). */
export function registeredQueues(moduleRef: ModuleRef): Queue[] {
  const queues: Queue[] = [];
  for (const name of Object.values(QUEUES)) {
    try {
      queues.push(moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    } catch {
      // that queue's module is not part of this process
    }
  }
  return queues;
}
