import { Writable } from 'node:stream';
import { ProgressLine } from './progress-line';

/** A stream that keeps what is written to it, a terminal or not. */
function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const out = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    { isTTY },
  );
  return { out, text: () => chunks.join('') };
}

describe('ProgressLine', () => {
  it('redraws one line in place on a terminal and ends it when done', () => {
    const { out, text } = sink(true);
    const line = new ProgressLine(out, 10_000);
    line.update('read 10 rows');
    line.update('read 20 rows'); // within the redraw interval: skipped
    line.done('read 30 rows');
    expect(text()).toBe('\rread 10 rows\x1b[K\rread 30 rows\x1b[K\n');
  });

  it('writes whole lines, at most one per interval, to a file or pipe', () => {
    const { out, text } = sink(false);
    const line = new ProgressLine(out, 60_000);
    line.update('read 10 rows');
    line.update('read 20 rows');
    line.done('read 30 rows');
    expect(text()).toBe('read 30 rows\n'); // shorter than one interval: the final line only
    const every = sink(false);
    const always = new ProgressLine(every.out, 0);
    ['a', 'b', 'c'].forEach((t) => always.update(t));
    expect(every.text()).toBe('a\nb\nc\n');
  });

  it('writes a line once an interval has passed, then waits a whole interval again', () => {
    jest.useFakeTimers({ now: 0, doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const { out, text } = sink(false);
      const line = new ProgressLine(out, 10_000);
      line.update('read 10 rows');
      jest.advanceTimersByTime(10_000);
      line.update('read 20 rows');
      jest.advanceTimersByTime(5_000);
      line.update('read 30 rows');
      line.done('read 40 rows');
      expect(text()).toBe('read 20 rows\nread 40 rows\n');
    } finally {
      jest.useRealTimers();
    }
  });
});
