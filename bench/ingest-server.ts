import 'reflect-metadata';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { ApiKeysService } from '../src/auth/api-keys/api-keys.service';
import { SYSTEM_ACTOR } from '../src/common/auth/principal';
import { Role } from '../src/core/permissions';
import { copyFlows, reserveFlowIds } from '../src/flows/ingest/flow-copy.writer';
import { ValidatedFlow } from '../src/flows/ingest/flow-input';
import { FlowClassifier } from '../src/inference/verdict';
import { UsersService } from '../src/users/users.service';
import { readFixtureRows } from '../test/utils/fixtures';
import { seedAlerts } from './alerts-list';
import { startBenchServer } from './bench-app';
import { BATCH_SIZE, flowsOf, pick } from './ingest-traffic';

/**
 * The server of the ingest benchmark, in a process of its own (started by bench/ingest.ts), so that the load
 * generator's work is not counted as the server's. Over IPC it reports its URL and credentials, and runs the
 * in-process measurements on request: inference alone and COPY alone on the benchmark's rows, and the seeding of
 * the alerts table.
 */
export interface IngestServerReady {
  url: string;
  apiKey: string;
  email: string;
  password: string;
}

export type IngestServerRequest = { cmd: 'inference' | 'copy'; from: number; to: number } | { cmd: 'seed'; count: number } | { cmd: 'stop' };

export type IngestServerCommand = IngestServerRequest & { id: number };

/** Chunks of BATCH_SIZE rows the in-process measurements work on. */
export const ALONE_CHUNKS = 20;

async function main(): Promise<void> {
  const server = await startBenchServer();
  const apiKey = (await server.app.get(ApiKeysService).create(SYSTEM_ACTOR, 'bench', null)).secret;
  const email = `bench-${Date.now()}@example.test`;
  const password = 'dashboard reader pass 1';
  await server.app.get(UsersService).create(SYSTEM_ACTOR, { email, password, role: Role.VIEWER });

  const rows = await readFixtureRows();
  const vectors: ValidatedFlow[] = flowsOf(rows, BATCH_SIZE * ALONE_CHUNKS, BATCH_SIZE).map((f, i) => ({
    flowId: null, srcIp: f.src_ip, dstIp: f.dst_ip, srcPort: f.src_port, dstPort: f.dst_port, protocol: 6, timestamp: null,
    features: pick(rows, BATCH_SIZE + i, 'typical').row.features,
  }));
  const chunk = (c: number) => vectors.slice(c * BATCH_SIZE, (c + 1) * BATCH_SIZE);
  const classifier = server.app.get(FlowClassifier);
  const verdicts = await classifier.classify(chunk(0).map((v) => v.features));
  const db = server.app.get(DataSource);
  const runner = db.createQueryRunner() as PostgresQueryRunner;
  const client = (await runner.connect()) as PoolClient;

  const timed = async (work: () => Promise<void>) => {
    const start = process.hrtime.bigint();
    await work();
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  const run = async (m: IngestServerCommand): Promise<number | null> => {
    switch (m.cmd) {
      case 'inference':
        return timed(async () => {
          for (let c = m.from; c < m.to; c++) await classifier.classify(chunk(c).map((v) => v.features));
        });
      case 'copy':
        return timed(async () => {
          for (let c = m.from; c < m.to; c++) {
            await client.query('BEGIN');
            const ids = await reserveFlowIds(client, BATCH_SIZE);
            const batch = chunk(c).map((flow, j) => ({ id: ids[j], flow, verdict: verdicts[j], alertId: null }));
            await copyFlows(client, batch, { receivedAt: new Date(), source: 'batch', sensorId: null, modelVersion: classifier.modelVersion });
            await client.query('COMMIT');
          }
        });
      case 'seed':
        return timed(() => seedAlerts(db, m.count));
      case 'stop':
        await runner.release();
        await server.close();
        return null;
    }
  };
  process.on('message', (m: IngestServerCommand) => {
    run(m).then(
      (seconds) => {
        process.send?.({ id: m.id, seconds });
        if (m.cmd === 'stop') process.exit(0);
      },
      (e: unknown) => process.send?.({ id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
    );
  });
  process.on('disconnect', () => process.exit(1));
  process.send?.({ url: server.url, apiKey, email, password } satisfies IngestServerReady);
}

if (process.send) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
