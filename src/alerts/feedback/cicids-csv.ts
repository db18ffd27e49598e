import { FEATURE_COUNT } from '../../core/features/feature-names';

/**
 * The header of a CIC-IDS2017 "MachineLearningCVE" CSV, spelled as the published files spell it: most names
 * carry a leading space, a few do not, and the duplicated `Fwd Header Length` column is `Fwd Header Length.1`.
 * The feature names are those of `FEATURE_NAMES`, in the same order (a unit spec holds the two together).
 */
export const CICIDS_HEADER_CELLS: readonly string[] = [
  ' Destination Port', ' Flow Duration', ' Total Fwd Packets', ' Total Backward Packets',
  'Total Length of Fwd Packets', ' Total Length of Bwd Packets', ' Fwd Packet Length Max', ' Fwd Packet Length Min',
  ' Fwd Packet Length Mean', ' Fwd Packet Length Std', 'Bwd Packet Length Max', ' Bwd Packet Length Min',
  ' Bwd Packet Length Mean', ' Bwd Packet Length Std', 'Flow Bytes/s', ' Flow Packets/s', ' Flow IAT Mean',
  ' Flow IAT Std', ' Flow IAT Max', ' Flow IAT Min', 'Fwd IAT Total', ' Fwd IAT Mean', ' Fwd IAT Std',
  ' Fwd IAT Max', ' Fwd IAT Min', 'Bwd IAT Total', ' Bwd IAT Mean', ' Bwd IAT Std', ' Bwd IAT Max', ' Bwd IAT Min',
  'Fwd PSH Flags', ' Bwd PSH Flags', ' Fwd URG Flags', ' Bwd URG Flags', ' Fwd Header Length', ' Bwd Header Length',
  'Fwd Packets/s', ' Bwd Packets/s', ' Min Packet Length', ' Max Packet Length', ' Packet Length Mean',
  ' Packet Length Std', ' Packet Length Variance', 'FIN Flag Count', ' SYN Flag Count', ' RST Flag Count',
  ' PSH Flag Count', ' ACK Flag Count', ' URG Flag Count', ' CWE Flag Count', ' ECE Flag Count', ' Down/Up Ratio',
  ' Average Packet Size', ' Avg Fwd Segment Size', ' Avg Bwd Segment Size', ' Fwd Header Length.1',
  'Fwd Avg Bytes/Bulk', ' Fwd Avg Packets/Bulk', ' Fwd Avg Bulk Rate', ' Bwd Avg Bytes/Bulk', ' Bwd Avg Packets/Bulk',
  'Bwd Avg Bulk Rate', 'Subflow Fwd Packets', ' Subflow Fwd Bytes', ' Subflow Bwd Packets', ' Subflow Bwd Bytes',
  'Init_Win_bytes_forward', ' Init_Win_bytes_backward', ' act_data_pkt_fwd', ' min_seg_size_forward', 'Active Mean',
  ' Active Std', ' Active Max', ' Active Min', 'Idle Mean', ' Idle Std', ' Idle Max', ' Idle Min',
];

export const CICIDS_LABEL_CELL = ' Label';

/** The header line (with its line break). */
export const CICIDS_HEADER_LINE = `${[...CICIDS_HEADER_CELLS, CICIDS_LABEL_CELL].join(',')}\n`;

/** One value as the dataset writes it: plain decimals, `Infinity`, `-Infinity` and `NaN`. */
export function formatFeature(value: number | null): string {
  if (value === null) return 'NaN';
  return String(value);
}

/** A label cell, quoted only when it holds a comma, a quote or a line break. */
export function formatLabel(label: string): string {
  return /[",\r\n]/.test(label) ? `"${label.replace(/"/g, '""')}"` : label;
}

/** One data line (with its line break), or null when the vector is not the 78 features of the format. */
export function formatExampleLine(features: readonly (number | null)[], label: string): string | null {
  if (features.length !== FEATURE_COUNT) return null;
  return `${features.map(formatFeature).join(',')},${formatLabel(label)}\n`;
}
