import { FEATURE_INDEX } from './feature-names';

/**
 * The CICFlowMeter dialects this service reads, and THE mapping table from each dialect's column names to the
 * canonical names of {@link FEATURE_NAMES} (the MachineLearningCVE spelling, which the model's features keep).
 * Every entry point (CSV import, JSON `features`, the Redis stream, `model:train`, `model:evaluate`) resolves
 * names through this table via `normaliseHeader`; matching ignores case, spacing and punctuation.
 * docs/flow-dialects.md describes the dialects, detection and the encoding decisions.
 */

/** Which flow meter wrote the names (MachineLearningCVE and GeneratedLabelledFlows share theirs). */
export type FlowMeter = 'original' | 'v4' | 'corrected';

export const FLOW_DIALECTS = [
  /** CIC-IDS2017 MachineLearningCVE: 78 features and Label, names with leading spaces, no flow identity. */
  'machine-learning-cve',
  /** CIC-IDS2017 GeneratedLabelledFlows: the same names plus Flow ID, Source IP, …, Timestamp (`7/7/2017 9:00`). */
  'generated-labelled-flows',
  /** CICFlowMeter-V4 and CSE-CIC-IDS2018 (`Dst Port`, `Tot Fwd Pkts`, …; timestamps `15/02/2018 10:30:00`). */
  'cicflowmeter-v4',
  /** The corrected CICFlowMeter of Engelen et al. (2021): `Total Fwd Packet`, `FWD Init Win Bytes`, … */
  'cicflowmeter-corrected',
] as const;

export type FlowDialect = (typeof FLOW_DIALECTS)[number];

/** Canonical name, then its spelling by the original meter, CICFlowMeter-V4/2018 and the corrected meter. */
type Row = readonly [canonical: string, original: string, v4: string, corrected: string];

/** The 78 model features. The original writes `Fwd Header Length` twice; the others once (both copies take it). */
export const FEATURE_SPELLINGS: readonly Row[] = [
  ['Destination Port', 'Destination Port', 'Dst Port', 'Dst Port'],
  ['Flow Duration', 'Flow Duration', 'Flow Duration', 'Flow Duration'],
  ['Total Fwd Packets', 'Total Fwd Packets', 'Tot Fwd Pkts', 'Total Fwd Packet'],
  ['Total Backward Packets', 'Total Backward Packets', 'Tot Bwd Pkts', 'Total Bwd packets'],
  ['Total Length of Fwd Packets', 'Total Length of Fwd Packets', 'TotLen Fwd Pkts', 'Total Length of Fwd Packet'],
  ['Total Length of Bwd Packets', 'Total Length of Bwd Packets', 'TotLen Bwd Pkts', 'Total Length of Bwd Packet'],
  ['Fwd Packet Length Max', 'Fwd Packet Length Max', 'Fwd Pkt Len Max', 'Fwd Packet Length Max'],
  ['Fwd Packet Length Min', 'Fwd Packet Length Min', 'Fwd Pkt Len Min', 'Fwd Packet Length Min'],
  ['Fwd Packet Length Mean', 'Fwd Packet Length Mean', 'Fwd Pkt Len Mean', 'Fwd Packet Length Mean'],
  ['Fwd Packet Length Std', 'Fwd Packet Length Std', 'Fwd Pkt Len Std', 'Fwd Packet Length Std'],
  ['Bwd Packet Length Max', 'Bwd Packet Length Max', 'Bwd Pkt Len Max', 'Bwd Packet Length Max'],
  ['Bwd Packet Length Min', 'Bwd Packet Length Min', 'Bwd Pkt Len Min', 'Bwd Packet Length Min'],
  ['Bwd Packet Length Mean', 'Bwd Packet Length Mean', 'Bwd Pkt Len Mean', 'Bwd Packet Length Mean'],
  ['Bwd Packet Length Std', 'Bwd Packet Length Std', 'Bwd Pkt Len Std', 'Bwd Packet Length Std'],
  ['Flow Bytes/s', 'Flow Bytes/s', 'Flow Byts/s', 'Flow Bytes/s'],
  ['Flow Packets/s', 'Flow Packets/s', 'Flow Pkts/s', 'Flow Packets/s'],
  ['Flow IAT Mean', 'Flow IAT Mean', 'Flow IAT Mean', 'Flow IAT Mean'],
  ['Flow IAT Std', 'Flow IAT Std', 'Flow IAT Std', 'Flow IAT Std'],
  ['Flow IAT Max', 'Flow IAT Max', 'Flow IAT Max', 'Flow IAT Max'],
  ['Flow IAT Min', 'Flow IAT Min', 'Flow IAT Min', 'Flow IAT Min'],
  ['Fwd IAT Total', 'Fwd IAT Total', 'Fwd IAT Tot', 'Fwd IAT Total'],
  ['Fwd IAT Mean', 'Fwd IAT Mean', 'Fwd IAT Mean', 'Fwd IAT Mean'],
  ['Fwd IAT Std', 'Fwd IAT Std', 'Fwd IAT Std', 'Fwd IAT Std'],
  ['Fwd IAT Max', 'Fwd IAT Max', 'Fwd IAT Max', 'Fwd IAT Max'],
  ['Fwd IAT Min', 'Fwd IAT Min', 'Fwd IAT Min', 'Fwd IAT Min'],
  ['Bwd IAT Total', 'Bwd IAT Total', 'Bwd IAT Tot', 'Bwd IAT Total'],
  ['Bwd IAT Mean', 'Bwd IAT Mean', 'Bwd IAT Mean', 'Bwd IAT Mean'],
  ['Bwd IAT Std', 'Bwd IAT Std', 'Bwd IAT Std', 'Bwd IAT Std'],
  ['Bwd IAT Max', 'Bwd IAT Max', 'Bwd IAT Max', 'Bwd IAT Max'],
  ['Bwd IAT Min', 'Bwd IAT Min', 'Bwd IAT Min', 'Bwd IAT Min'],
  ['Fwd PSH Flags', 'Fwd PSH Flags', 'Fwd PSH Flags', 'Fwd PSH Flags'],
  ['Bwd PSH Flags', 'Bwd PSH Flags', 'Bwd PSH Flags', 'Bwd PSH Flags'],
  ['Fwd URG Flags', 'Fwd URG Flags', 'Fwd URG Flags', 'Fwd URG Flags'],
  ['Bwd URG Flags', 'Bwd URG Flags', 'Bwd URG Flags', 'Bwd URG Flags'],
  ['Fwd Header Length', 'Fwd Header Length', 'Fwd Header Len', 'Fwd Header Length'],
  ['Bwd Header Length', 'Bwd Header Length', 'Bwd Header Len', 'Bwd Header Length'],
  ['Fwd Packets/s', 'Fwd Packets/s', 'Fwd Pkts/s', 'Fwd Packets/s'],
  ['Bwd Packets/s', 'Bwd Packets/s', 'Bwd Pkts/s', 'Bwd Packets/s'],
  ['Min Packet Length', 'Min Packet Length', 'Pkt Len Min', 'Packet Length Min'],
  ['Max Packet Length', 'Max Packet Length', 'Pkt Len Max', 'Packet Length Max'],
  ['Packet Length Mean', 'Packet Length Mean', 'Pkt Len Mean', 'Packet Length Mean'],
  ['Packet Length Std', 'Packet Length Std', 'Pkt Len Std', 'Packet Length Std'],
  ['Packet Length Variance', 'Packet Length Variance', 'Pkt Len Var', 'Packet Length Variance'],
  ['FIN Flag Count', 'FIN Flag Count', 'FIN Flag Cnt', 'FIN Flag Count'],
  ['SYN Flag Count', 'SYN Flag Count', 'SYN Flag Cnt', 'SYN Flag Count'],
  ['RST Flag Count', 'RST Flag Count', 'RST Flag Cnt', 'RST Flag Count'],
  ['PSH Flag Count', 'PSH Flag Count', 'PSH Flag Cnt', 'PSH Flag Count'],
  ['ACK Flag Count', 'ACK Flag Count', 'ACK Flag Cnt', 'ACK Flag Count'],
  ['URG Flag Count', 'URG Flag Count', 'URG Flag Cnt', 'URG Flag Count'],
  // the original's "CWE" is a misspelling of CWR (the corrected meter names it right)
  ['CWE Flag Count', 'CWE Flag Count', 'CWE Flag Count', 'CWR Flag Count'],
  ['ECE Flag Count', 'ECE Flag Count', 'ECE Flag Cnt', 'ECE Flag Count'],
  ['Down/Up Ratio', 'Down/Up Ratio', 'Down/Up Ratio', 'Down/Up Ratio'],
  ['Average Packet Size', 'Average Packet Size', 'Pkt Size Avg', 'Average Packet Size'],
  ['Avg Fwd Segment Size', 'Avg Fwd Segment Size', 'Fwd Seg Size Avg', 'Fwd Segment Size Avg'],
  ['Avg Bwd Segment Size', 'Avg Bwd Segment Size', 'Bwd Seg Size Avg', 'Bwd Segment Size Avg'],
  ['Fwd Header Length.1', 'Fwd Header Length.1', 'Fwd Header Length.1', 'Fwd Header Length.1'],
  ['Fwd Avg Bytes/Bulk', 'Fwd Avg Bytes/Bulk', 'Fwd Byts/b Avg', 'Fwd Bytes/Bulk Avg'],
  ['Fwd Avg Packets/Bulk', 'Fwd Avg Packets/Bulk', 'Fwd Pkts/b Avg', 'Fwd Packet/Bulk Avg'],
  ['Fwd Avg Bulk Rate', 'Fwd Avg Bulk Rate', 'Fwd Blk Rate Avg', 'Fwd Bulk Rate Avg'],
  ['Bwd Avg Bytes/Bulk', 'Bwd Avg Bytes/Bulk', 'Bwd Byts/b Avg', 'Bwd Bytes/Bulk Avg'],
  ['Bwd Avg Packets/Bulk', 'Bwd Avg Packets/Bulk', 'Bwd Pkts/b Avg', 'Bwd Packet/Bulk Avg'],
  ['Bwd Avg Bulk Rate', 'Bwd Avg Bulk Rate', 'Bwd Blk Rate Avg', 'Bwd Bulk Rate Avg'],
  ['Subflow Fwd Packets', 'Subflow Fwd Packets', 'Subflow Fwd Pkts', 'Subflow Fwd Packets'],
  ['Subflow Fwd Bytes', 'Subflow Fwd Bytes', 'Subflow Fwd Byts', 'Subflow Fwd Bytes'],
  ['Subflow Bwd Packets', 'Subflow Bwd Packets', 'Subflow Bwd Pkts', 'Subflow Bwd Packets'],
  ['Subflow Bwd Bytes', 'Subflow Bwd Bytes', 'Subflow Bwd Byts', 'Subflow Bwd Bytes'],
  ['Init_Win_bytes_forward', 'Init_Win_bytes_forward', 'Init Fwd Win Byts', 'FWD Init Win Bytes'],
  ['Init_Win_bytes_backward', 'Init_Win_bytes_backward', 'Init Bwd Win Byts', 'Bwd Init Win Bytes'],
  ['act_data_pkt_fwd', 'act_data_pkt_fwd', 'Fwd Act Data Pkts', 'Fwd Act Data Pkts'],
  ['min_seg_size_forward', 'min_seg_size_forward', 'Fwd Seg Size Min', 'Fwd Seg Size Min'],
  ['Active Mean', 'Active Mean', 'Active Mean', 'Active Mean'],
  ['Active Std', 'Active Std', 'Active Std', 'Active Std'],
  ['Active Max', 'Active Max', 'Active Max', 'Active Max'],
  ['Active Min', 'Active Min', 'Active Min', 'Active Min'],
  ['Idle Mean', 'Idle Mean', 'Idle Mean', 'Idle Mean'],
  ['Idle Std', 'Idle Std', 'Idle Std', 'Idle Std'],
  ['Idle Max', 'Idle Max', 'Idle Max', 'Idle Max'],
  ['Idle Min', 'Idle Min', 'Idle Min', 'Idle Min'],
];

/** Flow identity fields (not model features), canonical name first as in {@link META_FIELDS}. */
export const META_SPELLINGS: readonly Row[] = [
  ['Flow ID', 'Flow ID', 'Flow ID', 'Flow ID'],
  ['Source IP', 'Source IP', 'Src IP', 'Src IP'],
  ['Source Port', 'Source Port', 'Src Port', 'Src Port'],
  ['Destination IP', 'Destination IP', 'Dst IP', 'Dst IP'],
  ['Protocol', 'Protocol', 'Protocol', 'Protocol'],
  ['Timestamp', 'Timestamp', 'Timestamp', 'Timestamp'],
];

/**
 * Columns a dialect writes that the model does not use: known, accepted and ignored (not reported as unknown).
 * The corrected meter's new features are kept out of the model so its 78 inputs mean the same for every dialect.
 */
export const EXTRA_COLUMNS: Readonly<Record<FlowMeter, readonly string[]>> = {
  original: [],
  v4: [],
  corrected: [
    'id',
    'Fwd RST Flags',
    'Bwd RST Flags',
    'ICMP Code',
    'ICMP Type',
    'Total TCP Flow Time',
    'Attempted Category',
  ],
};

export const METERS: readonly FlowMeter[] = ['original', 'v4', 'corrected'];

/**
 * Dates of the address-and-time dialects: CIC-IDS2017 writes month first (`7/7/2017 9:00`), CSE-CIC-IDS2018 day
 * first (`15/02/2018 10:30:00`), the corrected meter ISO-like (`2017-07-07 18:08:57.763666`). All are local times
 * of the capture, without zone.
 */
export const DATE_ORDER: Readonly<Record<FlowDialect, 'month-first' | 'day-first'>> = {
  'machine-learning-cve': 'month-first',
  'generated-labelled-flows': 'month-first',
  'cicflowmeter-v4': 'day-first',
  'cicflowmeter-corrected': 'month-first',
};

const index = (name: string): number => {
  const i = FEATURE_INDEX.get(name);
  if (i === undefined) throw new Error(`unknown feature ${name}`);
  return i;
};
const INIT_WIN_FWD = index('Init_Win_bytes_forward');
const INIT_WIN_BWD = index('Init_Win_bytes_backward');
const TOTAL_FWD_PACKETS = index('Total Fwd Packets');
const TOTAL_BWD_PACKETS = index('Total Backward Packets');
const TCP_FLAG_COUNTS = Int32Array.from(
  ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'CWE', 'ECE'].map((flag) => index(`${flag} Flag Count`)),
);

/**
 * One encoding for "no TCP initial window seen". The original meter writes -1 when a direction has no packet or
 * the flow carries no TCP flag at all (UDP, ICMP: 11,052 of 11,052 such rows of the original training file, and
 * never 0 there); the corrected meter writes 0 in exactly those cases, which is also a real zero window (RST
 * replies). The model's features keep the original's -1: a 0 in those cases becomes -1, in place, for every
 * dialect (a no-op on original rows). Allocation-free: it runs on the ingest hot path.
 */
export function harmoniseEncodings(values: Float64Array): void {
  const fwd = values[INIT_WIN_FWD];
  const bwd = values[INIT_WIN_BWD];
  if (fwd !== 0 && bwd !== 0) return;
  let flags = 0;
  for (let i = 0; i < TCP_FLAG_COUNTS.length; i++) flags += values[TCP_FLAG_COUNTS[i]] || 0;
  if (fwd === 0 && (flags === 0 || values[TOTAL_FWD_PACKETS] === 0)) values[INIT_WIN_FWD] = -1;
  if (bwd === 0 && (flags === 0 || values[TOTAL_BWD_PACKETS] === 0)) values[INIT_WIN_BWD] = -1;
}

/** The dialects as the CLIs' help texts list them. */
export const DIALECTS_HELP = `
CSV dialects (detected per file from the header; docs/flow-dialects.md):
  machine-learning-cve      CIC-IDS2017 MachineLearningCVE (78 features and Label, no addresses)
  generated-labelled-flows  CIC-IDS2017 GeneratedLabelledFlows (with Flow ID, Source IP, Timestamp, ...)
  cicflowmeter-v4           CICFlowMeter-V4 and CSE-CIC-IDS2018 (Dst Port, Tot Fwd Pkts, Init Fwd Win Byts, ...)
  cicflowmeter-corrected    the corrected CICFlowMeter of Engelen et al. (Total Fwd Packet, FWD Init Win Bytes, ...)
Labels of every extraction are normalised (Portscan -> PortScan, Botnet -> Bot, any dash);
'<attack> - Attempted' labels are read as BENIGN.
`;
