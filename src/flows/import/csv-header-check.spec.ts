import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '../../core/domain-error';
import { checkHeaderLine, CsvHeaderCheck, MAX_HEADER_BYTES } from './csv-header-check';

const headerLine = (name: string) =>
  readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'headers', `${name}.csv`), 'utf8').split(/\r?\n/, 1)[0];
const reasonOf = (result: unknown) => (result as DomainError).details?.[0]?.reason;

describe('checkHeaderLine', () => {
  it.each([
    ['machine-learning-cve', 'machine-learning-cve'],
    ['generated-labelled-flows', 'generated-labelled-flows'],
    ['cicflowmeter-v4', 'cicflowmeter-v4'],
    ['cse-cic-ids2018', 'cicflowmeter-v4'],
    ['cicflowmeter-corrected', 'cicflowmeter-corrected'],
  ])('accepts the real %s header as %s', (file, dialect) => {
    expect(checkHeaderLine(headerLine(file))).toEqual({ dialect });
    expect(checkHeaderLine(`\uFEFF${headerLine(file)}`)).toEqual({ dialect });
  });

  it('names the columns a CICFlowMeter header lacks, by their canonical names', () => {
    const cut = headerLine('cse-cic-ids2018').replace('Tot Fwd Pkts,', '').replace(',Idle Min', '');
    expect(reasonOf(checkHeaderLine(cut))).toBe('lacks required columns: Total Fwd Packets, Idle Min');
  });

  it('refuses a first line that names no flow column', () => {
    for (const line of ['name,email', '{"flows":[]}', '"unterminated', '']) {
      expect(reasonOf(checkHeaderLine(line))).toMatch(/^is not a CICFlowMeter CSV/);
    }
  });
});

describe('CsvHeaderCheck', () => {
  const through = async (chunks: Buffer[]) => {
    const out: Buffer[] = [];
    const check = new CsvHeaderCheck();
    await pipeline(Readable.from(chunks), check, new Writable({ write: (c: Buffer, _e, done) => (out.push(c), done()) }));
    return { check, text: Buffer.concat(out).toString() };
  };

  it('passes the file through unchanged when its header, split across chunks, is good', async () => {
    const text = `${headerLine('cicflowmeter-corrected')}\r\n1,2,3\r\n`;
    const chunks = [Buffer.from(text.slice(0, 100)), Buffer.from(text.slice(100, 2000)), Buffer.from(text.slice(2000))];
    const { check, text: copied } = await through(chunks);
    expect(copied).toBe(text);
    expect(check.header).toEqual({ dialect: 'cicflowmeter-corrected' });
  });

  it('accepts a header-only file without a line end', async () => {
    expect((await through([Buffer.from(headerLine('machine-learning-cve'))])).check.header).toEqual({ dialect: 'machine-learning-cve' });
  });

  it('fails on an empty file, binary data and a first line longer than the limit', async () => {
    await expect(through([])).rejects.toMatchObject({ details: [{ field: 'file', reason: 'is empty' }] });
    await expect(through([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0x0a])])).rejects.toMatchObject({ details: [{ field: 'file' }] });
    await expect(through([Buffer.alloc(MAX_HEADER_BYTES + 1, 0x41)])).rejects.toMatchObject({
      details: [{ field: 'file', reason: `has no header line within its first ${MAX_HEADER_BYTES} bytes` }],
    });
  });
});
