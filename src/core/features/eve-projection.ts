import { eveFeatures, EveFlowCounters, EveTcpFlags } from './eve-features';
import { FEATURE_COUNT, FEATURE_INDEX, FEATURE_NAMES, FeatureName } from './feature-names';

/** The feature sets a model can be trained on: all 78 CIC features, or what a Suricata EVE flow record gives. */
export const FEATURE_SETS = ['full', 'eve'] as const;
export type FeatureSet = (typeof FEATURE_SETS)[number];

/**
 * Bytes a captured packet carries besides its payload and transport header: Ethernet (14) and IPv4 (20).
 * Suricata's `bytes_toserver` / `bytes_toclient` count whole packets as captured; CICFlowMeter's lengths count the
 * payload only and its header lengths the transport header only.
 */
export const LINK_AND_IP_HEADER_BYTES = 14 + 20;

/** Bounds of a transport header per packet (UDP 8 … TCP with all options 60), to clamp CIC header lengths to. */
const TRANSPORT_HEADER_BYTES = { min: 8, max: 60 } as const;

/** The features an EVE flow record supplies (what {@link eveFeatures} sets), in canonical order. */
export const EVE_FEATURE_NAMES: readonly FeatureName[] = (() => {
  const probe = eveFeatures(1, { pktsToServer: 1, pktsToClient: 1, bytesToServer: 1, bytesToClient: 1, startUs: 0, endUs: 1 }, {});
  return FEATURE_NAMES.filter((_, j) => !Number.isNaN(probe[j]));
})();

/**
 * TCP flag features an EVE record has but the EVE model does not learn from: the original CIC-IDS2017 files do not
 * count what Suricata reports (SYN is set in 3 % and ACK in 12 % of their TCP flows of 3+ packets to ports 21, 22,
 * 80 and 443; Suricata sees both in nearly every such flow), so a model fitted to them would misread every sensor.
 */
export const EVE_UNLEARNED_FEATURES: readonly FeatureName[] = [
  'FIN Flag Count', 'RST Flag Count', 'PSH Flag Count', 'ACK Flag Count', 'URG Flag Count',
  'CWE Flag Count', 'ECE Flag Count', 'Fwd PSH Flags', 'Bwd PSH Flags', 'Fwd URG Flags', 'Bwd URG Flags',
];
const UNLEARNED_INDEX = EVE_UNLEARNED_FEATURES.map((name) => FEATURE_INDEX.get(name)!);

/**
 * The one flag the EVE model keeps, read as "a TCP flow": Suricata sets `tcp.syn` on every TCP flow it saw open;
 * in training rows it is 1 when any TCP flag was counted, which in the corrected extraction (where the protocol is
 * known) marks 28,980 of its 28,981 TCP rows and none of its UDP or ICMP rows. The protocol is otherwise unseen.
 */
export const EVE_TCP_FEATURE: FeatureName = 'SYN Flag Count';
const TCP_INDEX = FEATURE_INDEX.get(EVE_TCP_FEATURE)!;
const CIC_FLAG_INDEX = ['FIN Flag Count', 'SYN Flag Count', 'RST Flag Count', 'PSH Flag Count', 'ACK Flag Count', 'URG Flag Count'].map(
  (name) => FEATURE_INDEX.get(name)!,
);

const at = (row: ArrayLike<number>, name: FeatureName) => row[FEATURE_INDEX.get(name)!];
const positive = (x: number) => x > 0;

/**
 * What a Suricata sensor would have recorded for the flow a CICFlowMeter row describes, as EVE counters and TCP
 * flags: packet counts and duration as they are, bytes as whole packets (payload + transport header + Ethernet
 * and IPv4 headers), flags as "seen" (count > 0), per-direction PSH/URG as bits of tcp_flags_ts / tcp_flags_tc.
 */
export function eveRecordOf(row: ArrayLike<number>): { destPort: number; counters: EveFlowCounters; tcp: EveTcpFlags } {
  const fwdPkts = at(row, 'Total Fwd Packets');
  const bwdPkts = at(row, 'Total Backward Packets');
  const wire = (payload: number, pkts: number, header: number) => {
    const transport = Number.isFinite(header)
      ? Math.min(Math.max(header, TRANSPORT_HEADER_BYTES.min * pkts), TRANSPORT_HEADER_BYTES.max * pkts)
      : 20 * pkts;
    return payload + transport + LINK_AND_IP_HEADER_BYTES * pkts;
  };
  const duration = at(row, 'Flow Duration');
  const bits = (psh: number, urg: number) => (positive(psh) ? 0x08 : 0) | (positive(urg) ? 0x20 : 0);
  return {
    destPort: at(row, 'Destination Port'),
    counters: {
      pktsToServer: fwdPkts,
      pktsToClient: bwdPkts,
      bytesToServer: wire(at(row, 'Total Length of Fwd Packets'), fwdPkts, at(row, 'Fwd Header Length')),
      bytesToClient: wire(at(row, 'Total Length of Bwd Packets'), bwdPkts, at(row, 'Bwd Header Length')),
      startUs: 0,
      endUs: Number.isFinite(duration) ? Math.max(0, duration) : undefined,
    },
    tcp: {
      fin: positive(at(row, 'FIN Flag Count')),
      syn: positive(at(row, 'SYN Flag Count')),
      rst: positive(at(row, 'RST Flag Count')),
      psh: positive(at(row, 'PSH Flag Count')),
      ack: positive(at(row, 'ACK Flag Count')),
      urg: positive(at(row, 'URG Flag Count')),
      cwr: positive(at(row, 'CWE Flag Count')),
      ecn: positive(at(row, 'ECE Flag Count')),
      toServer: bits(at(row, 'Fwd PSH Flags'), at(row, 'Fwd URG Flags')),
      toClient: bits(at(row, 'Bwd PSH Flags'), at(row, 'Bwd URG Flags')),
    },
  };
}

/**
 * A CIC-IDS2017 row (78 features, canonical order) projected to the features {@link eveFeatures} computes from the
 * EVE record of the same flow; every other feature is NaN, exactly as for a flow posted to the EVE endpoint. With
 * `learnable`, the training rows of the EVE model: the {@link EVE_UNLEARNED_FEATURES} are NaN too (its fitted
 * transform then drops those columns: a column missing on every row is constant) and {@link EVE_TCP_FEATURE} says
 * whether the flow is TCP.
 */
export function projectToEve(row: ArrayLike<number>, learnable = false): Float64Array {
  const { destPort, counters, tcp } = eveRecordOf(row);
  const projected = eveFeatures(destPort, counters, tcp);
  if (!learnable) return projected;
  for (const j of UNLEARNED_INDEX) projected[j] = NaN;
  projected[TCP_INDEX] = CIC_FLAG_INDEX.some((j) => row[j] > 0) ? 1 : 0;
  return projected;
}

/** The rows as the given feature set sees them (the same arrays for `full`). */
export function projectRows(rows: Float64Array[], set: FeatureSet): Float64Array[] {
  return set === 'full' ? rows : rows.map((row) => projectToEve(row, true));
}

/**
 * Share of the 78 features present (not NaN) in a raw vector: 1 for a complete CIC row, 0.49 (38 of 78) for an EVE
 * flow.
 */
export function featureCoverage(vector: ArrayLike<number>): number {
  let present = 0;
  for (let j = 0; j < FEATURE_COUNT; j++) if (!Number.isNaN(vector[j])) present++;
  return present / FEATURE_COUNT;
}
