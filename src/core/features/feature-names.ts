/**
 * The 78 flow features of the CIC-IDS2017 "MachineLearningCVE" CSV format, in column order, with the
 * surrounding spaces of the published header removed. CICFlowMeter writes `Fwd Header Length` twice; the
 * second copy is named `Fwd Header Length.1` here, as pandas names it in the published files.
 */
export const FEATURE_NAMES = [
  'Destination Port',
  'Flow Duration',
  'Total Fwd Packets',
  'Total Backward Packets',
  'Total Length of Fwd Packets',
  'Total Length of Bwd Packets',
  'Fwd Packet Length Max',
  'Fwd Packet Length Min',
  'Fwd Packet Length Mean',
  'Fwd Packet Length Std',
  'Bwd Packet Length Max',
  'Bwd Packet Length Min',
  'Bwd Packet Length Mean',
  'Bwd Packet Length Std',
  'Flow Bytes/s',
  'Flow Packets/s',
  'Flow IAT Mean',
  'Flow IAT Std',
  'Flow IAT Max',
  'Flow IAT Min',
  'Fwd IAT Total',
  'Fwd IAT Mean',
  'Fwd IAT Std',
  'Fwd IAT Max',
  'Fwd IAT Min',
  'Bwd IAT Total',
  'Bwd IAT Mean',
  'Bwd IAT Std',
  'Bwd IAT Max',
  'Bwd IAT Min',
  'Fwd PSH Flags',
  'Bwd PSH Flags',
  'Fwd URG Flags',
  'Bwd URG Flags',
  'Fwd Header Length',
  'Bwd Header Length',
  'Fwd Packets/s',
  'Bwd Packets/s',
  'Min Packet Length',
  'Max Packet Length',
  'Packet Length Mean',
  'Packet Length Std',
  'Packet Length Variance',
  'FIN Flag Count',
  'SYN Flag Count',
  'RST Flag Count',
  'PSH Flag Count',
  'ACK Flag Count',
  'URG Flag Count',
  'CWE Flag Count',
  'ECE Flag Count',
  'Down/Up Ratio',
  'Average Packet Size',
  'Avg Fwd Segment Size',
  'Avg Bwd Segment Size',
  'Fwd Header Length.1',
  'Fwd Avg Bytes/Bulk',
  'Fwd Avg Packets/Bulk',
  'Fwd Avg Bulk Rate',
  'Bwd Avg Bytes/Bulk',
  'Bwd Avg Packets/Bulk',
  'Bwd Avg Bulk Rate',
  'Subflow Fwd Packets',
  'Subflow Fwd Bytes',
  'Subflow Bwd Packets',
  'Subflow Bwd Bytes',
  'Init_Win_bytes_forward',
  'Init_Win_bytes_backward',
  'act_data_pkt_fwd',
  'min_seg_size_forward',
  'Active Mean',
  'Active Std',
  'Active Max',
  'Active Min',
  'Idle Mean',
  'Idle Std',
  'Idle Max',
  'Idle Min',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

export const FEATURE_COUNT = FEATURE_NAMES.length;

/** Index of each canonical feature name in {@link FEATURE_NAMES}. */
export const FEATURE_INDEX: ReadonlyMap<string, number> = new Map(FEATURE_NAMES.map((name, i) => [name, i]));

export const DESTINATION_PORT_INDEX = FEATURE_INDEX.get('Destination Port') as number;
export const FWD_HEADER_LENGTH_INDEX = FEATURE_INDEX.get('Fwd Header Length') as number;
export const FWD_HEADER_LENGTH_DUPLICATE_INDEX = FEATURE_INDEX.get('Fwd Header Length.1') as number;

/** Flow identity columns of the 84-column "GeneratedLabelledFlows" format; they are not model features. */
export const META_FIELDS = {
  flowId: 'Flow ID',
  srcIp: 'Source IP',
  srcPort: 'Source Port',
  dstIp: 'Destination IP',
  protocol: 'Protocol',
  timestamp: 'Timestamp',
} as const;

export type MetaKey = keyof typeof META_FIELDS;

export const LABEL_FIELD = 'Label';
