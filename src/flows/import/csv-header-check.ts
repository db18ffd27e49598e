import { parse } from 'csv-parse/sync';
import { Transform, TransformCallback } from 'node:stream';
import { DomainError } from '../../core/domain-error';
import { FlowDialect, resolveColumns } from '../../core/features';

/** The header line must end within this many bytes (real headers are under 3 KiB). */
export const MAX_HEADER_BYTES = 64 * 1024;

export interface CheckedHeader {
  dialect: FlowDialect;
}

/**
 * What is wrong with a CSV header line, or the header's dialect: a file that names no flow column is not a
 * CICFlowMeter CSV; one that names some but not all 78 features lacks those columns.
 */
export function checkHeaderLine(line: string): CheckedHeader | DomainError {
  let cells: string[];
  try {
    [cells = []] = parse(line, { bom: true, relax_quotes: true, relax_column_count: true, to_line: 1 }) as string[][];
  } catch {
    cells = [];
  }
  const layout = resolveColumns(cells);
  if (!layout.dialect) {
    return DomainError.validation(
      [{ field: 'file', reason: 'is not a CICFlowMeter CSV: its first line names none of the flow columns' }],
      'The file is not a CICFlowMeter flow CSV',
    );
  }
  if (layout.missing.length) {
    return DomainError.validation(
      [{ field: 'file', reason: `lacks required columns: ${layout.missing.join(', ')}` }],
      `The CSV header lacks ${layout.missing.length} required column(s)`,
    );
  }
  return { dialect: layout.dialect };
}

/**
 * Passes an upload through unchanged once its first line has been checked (`checkHeaderLine`); fails the stream
 * with the 400 before anything else is written when the header is refused, not found within MAX_HEADER_BYTES,
 * or the file is empty.
 */
export class CsvHeaderCheck extends Transform {
  /** Set once the header passed. */
  header: CheckedHeader | undefined;
  private head: Buffer[] = [];
  private headBytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.header) return done(null, chunk);
    this.head.push(chunk);
    this.headBytes += chunk.length;
    const buffered = Buffer.concat(this.head);
    const end = buffered.indexOf(0x0a);
    if (end < 0 && this.headBytes < MAX_HEADER_BYTES) return done();
    this.finishHead(buffered, end, done);
  }

  override _flush(done: TransformCallback): void {
    if (this.header) return done();
    this.finishHead(Buffer.concat(this.head), -1, done);
  }

  private finishHead(buffered: Buffer, end: number, done: TransformCallback): void {
    if (end < 0 && this.headBytes >= MAX_HEADER_BYTES) {
      return done(DomainError.validation([{ field: 'file', reason: `has no header line within its first ${MAX_HEADER_BYTES} bytes` }]));
    }
    if (buffered.length === 0) return done(DomainError.validation([{ field: 'file', reason: 'is empty' }]));
    const line = buffered.subarray(0, end < 0 ? buffered.length : end).toString('utf8');
    if (line.includes('\u0000')) {
      return done(DomainError.validation([{ field: 'file', reason: 'is not a CSV text file' }], 'The file is not a CICFlowMeter flow CSV'));
    }
    const checked = checkHeaderLine(line.replace(/\r$/, ''));
    if (checked instanceof DomainError) return done(checked);
    this.header = checked;
    this.head = [];
    done(null, buffered);
  }
}
