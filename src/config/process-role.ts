/**
 * What one process of the service does. The same build runs as:
 * - `api`: the HTTP API (REST, Socket.IO, /docs, /health, /metrics, the queue board); it only produces jobs;
 * - `worker`: the Bull processors, the Redis Streams consumer and the schedules, with an HTTP listener that serves
 *   /health and /metrics only; its realtime events reach the API instances' clients through Redis;
 * - `all`: both in one process.
 */
export const PROCESS_ROLES = ['all', 'api', 'worker'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

/** The process serves the HTTP API and Socket.IO. */
export const servesApi = (role: ProcessRole): boolean => role !== 'worker';

/** The process runs the background work: queue processors, the stream consumer, schedules. */
export const runsWorkers = (role: ProcessRole): boolean => role !== 'api';
