import { io } from 'socket.io-client';
import { FlowRow } from '../src/core/features';
import { featuresOf } from '../test/utils/fixtures';
import { metricValue } from '../test/utils/prometheus-text';
import { httpRequest } from './bench-app';

const log = (...a: unknown[]) => process.stderr.write(`${a.join(' ')}\n`);

/**
 * Steady ingest at `flowsPerSecond` (batches every 100 ms) for two seconds of warm-up and then `seconds`; each
 * batch carries one attack flow from a fresh source address. Returns the sorted delays (ms) from the POST to its
 * `attack_detected` event reaching a Socket.IO client, after the warm-up. The warm-up outlasts the alert-storm
 * window a burst of new alerts just before (such as the caller's warm-up batch) may have opened: inside it, new
 * alerts go out coalesced in `attack_detected_batch` (REALTIME_STORM_THRESHOLD), which is not what is measured.
 */
export async function measureAlertLatency(
  url: string,
  token: string,
  key: string,
  rows: FlowRow[],
  flowsPerSecond: number,
  seconds: number,
): Promise<number[]> {
  const socket = io(url, { path: '/socket.io', transports: ['websocket'], auth: { token } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const sentAt = new Map<string, number>();
  const delays: number[] = [];
  socket.on('attack_detected', (e: { alert: { src_ip: string } }) => {
    const t = sentAt.get(e.alert.src_ip);
    if (t !== undefined) delays.push(performance.now() - t);
  });
  const benign = rows.filter((r) => r.label === 'BENIGN');
  const attack = rows.find((r) => r.label === 'DDoS')!;
  const perBatch = Math.max(1, Math.round(flowsPerSecond / 10));
  const ticks = seconds * 10;
  const warmUp = 20;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let t = 0; t < warmUp + ticks; t++) {
    const src = `198.18.${200 + (t >> 8)}.${t & 255}`;
    const flows = [
      { src_ip: src, dst_ip: '198.19.9.9', dst_port: 80, protocol: 6, features: featuresOf(attack) },
      ...Array.from({ length: perBatch - 1 }, (_, i) => ({ src_ip: '198.18.250.1', dst_ip: '198.19.9.9', features: featuresOf(benign[(t + i) % benign.length]) })),
    ];
    const body = JSON.stringify({ flows });
    if (t >= warmUp) sentAt.set(src, performance.now());
    inFlight.push(
      httpRequest('POST', `${url}/api/v1/flows/batch`, { 'content-type': 'application/json', 'x-api-key': key }, body).then((r) => {
        if (r.status !== 200) log(`latency batch: HTTP ${r.status}`);
      }),
    );
    const due = started + (t + 1) * 100;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  }
  await Promise.all(inFlight);
  await new Promise((r) => setTimeout(r, 1000));
  socket.close();
  log(`alert latency: ${delays.length}/${ticks} attack_detected events received at ${perBatch * 10} flows/s`);
  return delays.sort((a, b) => a - b);
}

export type StageTimes = Record<'inference' | 'persist', { sum: number; count: number }>;

/** The server's ingest stage timings so far (`ids_ingest_stage_duration_seconds` sums and counts, from /metrics). */
export async function stageTimes(url: string): Promise<StageTimes> {
  const text = (await httpRequest('GET', `${url}/metrics`, {})).body.toString();
  const read = (series: 'sum' | 'count', stage: keyof StageTimes) => metricValue(text, `ids_ingest_stage_duration_seconds_${series}`, { stage }) ?? 0;
  return {
    inference: { sum: read('sum', 'inference'), count: read('count', 'inference') },
    persist: { sum: read('sum', 'persist'), count: read('count', 'persist') },
  };
}

/** Mean milliseconds per batch in each stage between two readings. */
export function meanStageMs(before: StageTimes, after: StageTimes): Record<keyof StageTimes, number> {
  const mean = (s: keyof StageTimes) => (1000 * (after[s].sum - before[s].sum)) / Math.max(1, after[s].count - before[s].count);
  return { inference: mean('inference'), persist: mean('persist') };
}
