import { parse } from 'csv-parse';
import { createReadStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DESTINATION_PORT_INDEX, FEATURE_COUNT } from './feature-names';
import { parseFeatureValue } from './feature-vector';
import { FlowDialect, harmoniseEncodings } from './flow-dialects';
import { ColumnLayout, resolveColumns } from './header-normaliser';
import { parseLabel } from './label-normaliser';

/** Flow identity as found in the 84-column format; absent fields are undefined (MachineLearningCVE has none). */
export interface FlowMeta {
  flowId?: string;
  srcIp?: string;
  srcPort?: number;
  dstIp?: string;
  dstPort?: number;
  protocol?: number;
  timestamp?: string;
}

export interface FlowRow {
  /** Raw features in FEATURE_NAMES order, as received (NaN for missing, ±Infinity kept). */
  features: Float64Array;
  /** Normalised label, or undefined when the file has no label column. */
  label?: string;
  meta: FlowMeta;
}

export type SkipReason = 'column count' | 'repeated header' | 'non-numeric value' | 'missing label';

export interface FlowCsvStats {
  files: number;
  rows: number;
  skipped: number;
  skippedBy: Partial<Record<SkipReason, number>>;
  /** Header cells that are neither features, flow identity fields, the label nor a dialect's known extras. */
  ignoredColumns: string[];
  /** Dialect of each file read so far, in reading order (see flow-dialects.ts). */
  dialects: FlowDialect[];
  /** Rows labelled `<attack> - Attempted`, read as BENIGN (see label-normaliser.ts). */
  attemptedAsBenign: number;
}

export interface FlowCsvReaderOptions {
  /** Rows without a label are skipped. Default true. */
  requireLabel?: boolean;
}

/**
 * Streams labelled flows from one CICFlowMeter CSV file, a directory of them (every `*.csv`, in name order) or a
 * readable stream. Every dialect of flow-dialects.ts is accepted; each file brings its own header, whose dialect
 * is detected and recorded in {@link stats}. Rows that cannot be
 * read are counted in {@link stats} and skipped. Memory use does not grow with the file size.
 */
export class FlowCsvReader {
  readonly stats: FlowCsvStats = {
    files: 0,
    rows: 0,
    skipped: 0,
    skippedBy: {},
    ignoredColumns: [],
    dialects: [],
    attemptedAsBenign: 0,
  };
  private readonly requireLabel: boolean;

  constructor(
    private readonly source: string | Readable,
    options: FlowCsvReaderOptions = {},
  ) {
    this.requireLabel = options.requireLabel ?? true;
  }

  async *rows(): AsyncGenerator<FlowRow> {
    if (typeof this.source !== 'string') {
      yield* this.readStream(this.source, 'stream');
      return;
    }
    for (const file of await listCsvFiles(this.source)) {
      yield* this.readStream(createReadStream(file), file);
    }
  }

  async *batches(size: number): AsyncGenerator<FlowRow[]> {
    let batch: FlowRow[] = [];
    for await (const row of this.rows()) {
      batch.push(row);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }

  private async *readStream(input: Readable, name: string): AsyncGenerator<FlowRow> {
    const options = { bom: true, relax_column_count: true, skip_empty_lines: true, relax_quotes: true };
    const parser = input.pipe(parse(options));
    let layout: ColumnLayout | undefined;
    let header: string[] = [];
    this.stats.files++;
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (!layout) {
        header = cells;
        layout = this.checkedLayout(cells, name);
        continue;
      }
      const row = this.readRow(cells, layout, header);
      if (row) {
        this.stats.rows++;
        yield row;
      }
    }
  }

  private checkedLayout(header: string[], name: string): ColumnLayout {
    const layout = resolveColumns(header);
    if (layout.missing.length) {
      throw new Error(`${name}: not a CICFlowMeter flow CSV, missing columns: ${layout.missing.join(', ')}`);
    }
    if (this.requireLabel && layout.labelColumn < 0) throw new Error(`${name}: no Label column`);
    if (layout.dialect) this.stats.dialects.push(layout.dialect);
    for (const cell of layout.unknown) {
      if (!this.stats.ignoredColumns.includes(cell)) this.stats.ignoredColumns.push(cell);
    }
    return layout;
  }

  private readRow(cells: string[], layout: ColumnLayout, header: string[]): FlowRow | undefined {
    if (cells.length !== layout.columnCount) return this.skip('column count');
    if (cells[0] === header[0] && cells[cells.length - 1] === header[header.length - 1]) {
      return this.skip('repeated header');
    }
    const features = new Float64Array(FEATURE_COUNT);
    for (let i = 0; i < FEATURE_COUNT; i++) {
      const value = parseFeatureValue(cells[layout.featureColumns[i]]);
      if (value === undefined) return this.skip('non-numeric value');
      features[i] = value;
    }
    harmoniseEncodings(features);
    const parsed = layout.labelColumn >= 0 ? parseLabel(cells[layout.labelColumn]) : undefined;
    const label = parsed?.label;
    if (this.requireLabel && !label) return this.skip('missing label');
    if (parsed?.attempted !== undefined) this.stats.attemptedAsBenign++;
    return { features, label, meta: readMeta(cells, layout, features) };
  }

  private skip(reason: SkipReason): undefined {
    this.stats.skipped++;
    this.stats.skippedBy[reason] = (this.stats.skippedBy[reason] ?? 0) + 1;
    return undefined;
  }
}

function readMeta(cells: string[], layout: ColumnLayout, features: Float64Array): FlowMeta {
  const text = (column: number | undefined): string | undefined => {
    const value = column === undefined ? undefined : cells[column].trim();
    return value ? value : undefined;
  };
  const integer = (column: number | undefined): number | undefined => {
    const value = Number(text(column));
    return Number.isInteger(value) ? value : undefined;
  };
  const port = features[DESTINATION_PORT_INDEX];
  const m = layout.metaColumns;
  return {
    flowId: text(m.flowId),
    srcIp: text(m.srcIp),
    srcPort: integer(m.srcPort),
    dstIp: text(m.dstIp),
    dstPort: Number.isInteger(port) ? port : undefined,
    protocol: integer(m.protocol),
    timestamp: text(m.timestamp),
  };
}

/** The CSV files a path stands for: the file itself, or the `*.csv` files of a directory in name order. */
export async function listCsvFiles(path: string): Promise<string[]> {
  const stat = await fs.stat(path);
  if (!stat.isDirectory()) return [path];
  const names = (await fs.readdir(path)).filter((n) => n.toLowerCase().endsWith('.csv')).sort();
  if (!names.length) throw new Error(`${path}: no .csv files`);
  return names.map((n) => join(path, n));
}
