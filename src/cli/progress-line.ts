/** Redraws of the in-place line on a terminal, at most this often. */
const TTY_REDRAW_MS = 200;

/**
 * Progress of a long command on stderr: on a terminal, one line redrawn in place; otherwise (a log file, a pipe)
 * a line after every `intervalMs`, so logs stay readable. The last state is always written by {@link done}.
 */
export class ProgressLine {
  private readonly tty: boolean;
  private last: number;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly intervalMs: number,
  ) {
    this.tty = out.isTTY === true;
    // a file gets its first line after one interval, so a short run writes only the final one
    this.last = this.tty ? Number.NEGATIVE_INFINITY : performance.now();
  }

  update(text: string): void {
    const now = performance.now();
    if (now - this.last < (this.tty ? TTY_REDRAW_MS : this.intervalMs)) return;
    this.last = now;
    this.write(text);
  }

  done(text: string): void {
    this.write(text);
    if (this.tty) this.out.write('\n');
  }

  private write(text: string): void {
    if (this.tty) this.out.write(`\r${text}\x1b[K`);
    else this.out.write(`${text}\n`);
  }
}
