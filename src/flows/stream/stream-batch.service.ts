import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiKeysService } from '../../auth/api-keys/api-keys.service';
import { AppConfig } from '../../config/app-config';
import { IngestedFlow, IngestService } from '../ingest/ingest.service';
import { BatchCompletion, DeadEntry } from './ingest-stream.client';
import { ParsedEntry, parseStreamEntry, planIngestCalls, StreamEntry } from './stream-entry';
import { EntriesAlreadyIngestedError, StreamFlowResult, StreamLedgerRepository } from './stream-ledger.repository';

export interface PersistedBatch extends BatchCompletion {
  /** Entries committed by this call. */
  ingested: number;
  /** Entries found already committed (delivered again): their stored results are published again. */
  replayed: number;
}

/** A concurrent consumer can win the same entries at most this often in a row before the batch gives up. */
const MAX_LEDGER_CONFLICTS = 3;

const resultOf = (entryId: string, index: number, f: IngestedFlow): StreamFlowResult => ({
  entryId,
  index,
  id: f.id,
  flowId: f.flow_id,
  label: f.label,
  confidence: f.confidence,
  alertId: f.alert_id,
});

/**
 * One read batch of the ingest stream: validation (invalid entries are dead-lettered), then exactly-once
 * persistence. Each entry's id is recorded in `stream_ingested` in the transaction of its flows, so an entry
 * delivered again after a commit that was never acknowledged is recognised, not stored twice, and its stored
 * results are published again. Nothing here touches Redis: the caller publishes and acknowledges afterwards.
 */
@Injectable()
export class StreamBatchService {
  private readonly stream: string;
  private readonly maxFlows: number;

  constructor(
    private readonly ingest: IngestService,
    private readonly ledger: StreamLedgerRepository,
    private readonly apiKeys: ApiKeysService,
    config: ConfigService<AppConfig, true>,
  ) {
    this.stream = config.get('ingestStream.key', { infer: true });
    this.maxFlows = config.get('ingest.maxBatch', { infer: true });
  }

  async persist(entries: StreamEntry[]): Promise<PersistedBatch> {
    const dead: DeadEntry[] = [];
    const valid: ParsedEntry[] = [];
    for (const entry of entries) {
      if (!entry.fields) continue; // deleted from the stream while pending: nothing left to ingest
      const check = parseStreamEntry(entry.id, entry.fields, this.maxFlows);
      if (check.ok) valid.push(check.entry);
      else dead.push({ entry, reason: check.reason });
    }
    await this.resolveSensorNames(valid, entries, dead);
    const results = new Map<string, StreamFlowResult[]>();
    const { ingested, replayed } = await this.persistOnce(valid, results);
    return {
      results: entries.flatMap((e) => results.get(e.id) ?? []),
      dead,
      ackIds: entries.map((e) => e.id),
      ingested,
      replayed,
    };
  }

  /**
   * Gives each entry whose `sensor` is an API key name that key's id; an entry whose name no key in force has, or
   * several have, is moved from `valid` to `dead` with the reason.
   */
  private async resolveSensorNames(valid: ParsedEntry[], entries: StreamEntry[], dead: DeadEntry[]): Promise<void> {
    const names = [...new Set(valid.flatMap((e) => (e.sensorName === undefined ? [] : [e.sensorName])))];
    if (names.length === 0) return;
    const ids = await this.apiKeys.idsInForceByName(names);
    const refused = new Set<string>();
    for (const e of valid) {
      if (e.sensorName === undefined) continue;
      const found = ids.get(e.sensorName) ?? [];
      if (found.length === 1) {
        e.sensorId = found[0];
        continue;
      }
      const name = JSON.stringify(e.sensorName.slice(0, 100));
      const reason = found.length
        ? `sensor: ${found.length} API keys in force are named ${name}: give the key's id`
        : `sensor: no API key in force has the id or name ${name}`;
      dead.push({ entry: entries.find((x) => x.id === e.id)!, reason });
      refused.add(e.id);
    }
    if (refused.size) valid.splice(0, valid.length, ...valid.filter((e) => !refused.has(e.id)));
  }

  private async persistOnce(valid: ParsedEntry[], results: Map<string, StreamFlowResult[]>): Promise<{ ingested: number; replayed: number }> {
    let todo = valid;
    let ingested = 0;
    let replayed = 0;
    for (let conflicts = 0; todo.length; conflicts++) {
      const known = await this.ledger.findIngested(this.stream, todo.map((e) => e.id));
      known.forEach((r, id) => results.set(id, r));
      replayed += known.size;
      todo = todo.filter((e) => !known.has(e.id));
      try {
        for (const call of planIngestCalls(todo, this.maxFlows)) {
          await this.ingestCall(call, results);
          ingested += call.length;
        }
        todo = [];
      } catch (e) {
        if (!(e instanceof EntriesAlreadyIngestedError) || conflicts + 1 >= MAX_LEDGER_CONFLICTS) throw e;
        todo = todo.filter((entry) => !results.has(entry.id));
      }
    }
    return { ingested, replayed };
  }

  /** One ingest call (one transaction) for entries of one sensor, with their ledger rows. */
  private async ingestCall(call: ParsedEntry[], results: Map<string, StreamFlowResult[]>): Promise<void> {
    const outcome = await this.ingest.ingest(
      call.flatMap((e) => e.flows),
      { source: 'stream', sensorId: call[0].sensorId },
      {
        beforeCommit: (client, written) => {
          let offset = 0;
          const rows = call.map((e) => ({ id: e.id, flowIds: written.flowIds.slice(offset, (offset += e.flows.length)) }));
          return this.ledger.record(client, this.stream, rows, written.receivedAt);
        },
      },
    );
    let offset = 0;
    for (const e of call) {
      results.set(e.id, e.flows.map((_, i) => resultOf(e.id, i, outcome.flows[offset + i])));
      offset += e.flows.length;
    }
  }
}
