import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { CICIDS_HEADER_LINE, formatExampleLine } from './cicids-csv';
import { FeedbackRepository } from './feedback.repository';

const PAGE_SIZE = 1000;

/**
 * The feedback examples as one CIC-IDS2017 MachineLearningCVE CSV (what `model:train` reads), streamed: pages
 * of examples are read by id as the client consumes the response, so memory does not grow with the table and
 * no connection is held while the client is slow.
 */
@Injectable()
export class FeedbackExportService {
  constructor(private readonly feedback: FeedbackRepository) {}

  exportCsv(): Readable {
    return Readable.from(this.lines(), { objectMode: false });
  }

  private async *lines(): AsyncGenerator<Buffer> {
    yield Buffer.from(CICIDS_HEADER_LINE, 'utf8');
    let after = '0';
    for (;;) {
      const rows = await this.feedback.page(after, PAGE_SIZE);
      if (rows.length === 0) return;
      const text = rows.map((r) => formatExampleLine(r.raw_features, r.label) ?? '').join('');
      yield Buffer.from(text, 'utf8');
      after = rows[rows.length - 1].id;
      if (rows.length < PAGE_SIZE) return;
    }
  }
}
