import { FEATURE_COUNT, FEATURE_INDEX, FeatureName } from './feature-names';

/** The counters of an EVE `flow` object (absent ones undefined: alert events carry no `end`, for instance). */
export interface EveFlowCounters {
  pktsToServer?: number;
  pktsToClient?: number;
  bytesToServer?: number;
  bytesToClient?: number;
  /** flow.start and flow.end, microseconds since the epoch. */
  startUs?: number;
  endUs?: number;
}

/** The TCP summary of an EVE event (`tcp` object): flags seen in the flow, and per direction as hex bytes. */
export interface EveTcpFlags {
  fin?: boolean;
  syn?: boolean;
  rst?: boolean;
  psh?: boolean;
  ack?: boolean;
  urg?: boolean;
  ecn?: boolean;
  cwr?: boolean;
  /** tcp.tcp_flags_ts / tcp.tcp_flags_tc (to server / to client), e.g. "1b". */
  toServer?: number;
  toClient?: number;
}

const PSH = 0x08;
const URG = 0x20;

/**
 * CIC-IDS2017 features (CICFlowMeter) from what a Suricata EVE event carries. EVE has totals, not per-packet
 * statistics, so only part of the 78 features can be derived; the rest are NaN, which the model's fitted
 * transform imputes like any missing value.
 *
 * | CIC-IDS2017 feature                          | From EVE                                                        |
 * |----------------------------------------------|-----------------------------------------------------------------|
 * | Destination Port                             | dest_port (0 when absent, as CICFlowMeter writes for ICMP)      |
 * | Flow Duration                                | flow.end − flow.start, in microseconds                          |
 * | Total Fwd Packets / Total Backward Packets   | flow.pkts_toserver / flow.pkts_toclient                         |
 * | Total Length of Fwd / Bwd Packets            | flow.bytes_toserver / flow.bytes_toclient (¹)                   |
 * | Fwd / Bwd Packet Length Mean                 | bytes ÷ packets of the direction (0 without packets)            |
 * | Avg Fwd / Bwd Segment Size                   | the same means (CICFlowMeter defines them so)                   |
 * | Flow Bytes/s, Flow Packets/s                 | both directions ÷ duration in seconds (NaN for a zero duration) |
 * | Fwd Packets/s, Bwd Packets/s                 | packets of the direction ÷ duration in seconds                  |
 * | Average Packet Size                          | all bytes ÷ all packets                                         |
 * | Down/Up Ratio                                | ⌊pkts_toclient ÷ pkts_toserver⌋ (0 without forward packets)     |
 * | Subflow Fwd/Bwd Packets, Subflow Fwd/Bwd Bytes | the totals (one subflow per flow)                             |
 * | FIN/SYN/RST/PSH/ACK/URG Flag Count           | tcp.fin … tcp.urg: 1 when seen, else 0 (0 for other protocols)  |
 * | CWE Flag Count, ECE Flag Count               | tcp.cwr, tcp.ecn, likewise                                      |
 * | Fwd / Bwd PSH Flags, Fwd / Bwd URG Flags     | bits 0x08 / 0x20 of tcp.tcp_flags_ts / tcp.tcp_flags_tc         |
 * | the six bulk features (Fwd Avg Bytes/Bulk …) | 0 (CICFlowMeter writes 0 for nearly every flow)                 |
 * | every other one (IATs, Max/Min/Std, …)       | NaN (not in EVE: header lengths, Init_Win_bytes, Active/Idle…)  |
 *
 * (¹) Suricata counts whole IP packets, CICFlowMeter payload bytes: lengths and sizes are over-estimated by the
 * headers. A missing EVE value (an alert event has no flow.end) makes every feature derived from it NaN.
 */
export function eveFeatures(destPort: number | null, counters: EveFlowCounters, tcp: EveTcpFlags | null): Float64Array {
  const f = new Float64Array(FEATURE_COUNT).fill(NaN);
  const set = (name: FeatureName, value: number) => (f[FEATURE_INDEX.get(name)!] = value);
  const fwdPkts = counters.pktsToServer ?? NaN;
  const bwdPkts = counters.pktsToClient ?? NaN;
  const fwdBytes = counters.bytesToServer ?? NaN;
  const bwdBytes = counters.bytesToClient ?? NaN;
  const durationUs = counters.startUs !== undefined && counters.endUs !== undefined ? Math.max(0, counters.endUs - counters.startUs) : NaN;
  const seconds = durationUs / 1e6;
  const perSecond = (n: number) => (seconds > 0 ? n / seconds : NaN);
  const mean = (bytes: number, pkts: number) => (pkts === 0 ? 0 : bytes / pkts);

  set('Destination Port', destPort ?? 0);
  set('Flow Duration', durationUs);
  set('Total Fwd Packets', fwdPkts);
  set('Total Backward Packets', bwdPkts);
  set('Total Length of Fwd Packets', fwdBytes);
  set('Total Length of Bwd Packets', bwdBytes);
  set('Fwd Packet Length Mean', mean(fwdBytes, fwdPkts));
  set('Bwd Packet Length Mean', mean(bwdBytes, bwdPkts));
  set('Avg Fwd Segment Size', mean(fwdBytes, fwdPkts));
  set('Avg Bwd Segment Size', mean(bwdBytes, bwdPkts));
  set('Flow Bytes/s', perSecond(fwdBytes + bwdBytes));
  set('Flow Packets/s', perSecond(fwdPkts + bwdPkts));
  set('Fwd Packets/s', perSecond(fwdPkts));
  set('Bwd Packets/s', perSecond(bwdPkts));
  set('Average Packet Size', mean(fwdBytes + bwdBytes, fwdPkts + bwdPkts));
  set('Down/Up Ratio', fwdPkts === 0 ? 0 : Math.floor(bwdPkts / fwdPkts));
  set('Subflow Fwd Packets', fwdPkts);
  set('Subflow Fwd Bytes', fwdBytes);
  set('Subflow Bwd Packets', bwdPkts);
  set('Subflow Bwd Bytes', bwdBytes);
  for (const name of ['Fwd Avg Bytes/Bulk', 'Fwd Avg Packets/Bulk', 'Fwd Avg Bulk Rate', 'Bwd Avg Bytes/Bulk', 'Bwd Avg Packets/Bulk', 'Bwd Avg Bulk Rate'] as const) {
    set(name, 0);
  }
  setFlags(set, tcp);
  return f;
}

function setFlags(set: (name: FeatureName, value: number) => void, tcp: EveTcpFlags | null): void {
  const seen = (flag: boolean | undefined) => (flag ? 1 : 0);
  const bit = (flags: number | undefined, mask: number) => (flags !== undefined && flags & mask ? 1 : 0);
  set('FIN Flag Count', seen(tcp?.fin));
  set('SYN Flag Count', seen(tcp?.syn));
  set('RST Flag Count', seen(tcp?.rst));
  set('PSH Flag Count', seen(tcp?.psh));
  set('ACK Flag Count', seen(tcp?.ack));
  set('URG Flag Count', seen(tcp?.urg));
  set('CWE Flag Count', seen(tcp?.cwr));
  set('ECE Flag Count', seen(tcp?.ecn));
  set('Fwd PSH Flags', bit(tcp?.toServer, PSH));
  set('Bwd PSH Flags', bit(tcp?.toClient, PSH));
  set('Fwd URG Flags', bit(tcp?.toServer, URG));
  set('Bwd URG Flags', bit(tcp?.toClient, URG));
}
