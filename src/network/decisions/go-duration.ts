/**
 * A duration in milliseconds written as Go's `time.Duration.String()` writes it (`3h59m58.5s`, `1m0s`, `250ms`,
 * `-2.5s`, `0s`), which is what CrowdSec bouncers parse with `time.ParseDuration`. Millisecond precision.
 */
export function goDuration(ms: number): string {
  const total = Math.round(ms);
  if (total === 0) return '0s';
  const sign = total < 0 ? '-' : '';
  const abs = Math.abs(total);
  if (abs < 1000) return `${sign}${abs}ms`;
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const millis = abs % 60_000;
  const whole = Math.floor(millis / 1000);
  const fraction = millis % 1000 ? `.${String(millis % 1000).padStart(3, '0').replace(/0+$/, '')}` : '';
  const seconds = `${whole}${fraction}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}
