/** How the timestamps of one file are read: the dialect's date order and the capture's time zone. */
export interface TimestampReading {
  /** `15/02/2018` is day first (CSE-CIC-IDS2018); `7/7/2017` month first (CIC-IDS2017). */
  dayFirst: boolean;
  /** IANA zone the flow meter's local times are in; UTC when not given. */
  timeZone?: string;
}

const SLASHED = /^(\d{1,2})\/(\d{1,2})\/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(?:\s*([AP]M))?$/i;
const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/**
 * Reads the timestamps flow meters write, all local times without a zone unless the text names one:
 * `7/7/2017 9:00`, `07/07/2017 08:59:50` (month first unless the first number exceeds 12), `15/02/2018 10:30:00`
 * (day first for CSE-CIC-IDS2018 unless the second number exceeds 12) and `2017-07-07 18:08:57.763666`.
 * Null for anything else or an impossible date.
 */
export class FlowTimestampParser {
  /** Zone offset (ms, local minus UTC) by local hour: flows of one file share few hours. */
  private readonly offsets = new Map<number, number>();
  private readonly format: Intl.DateTimeFormat | null;

  constructor(private readonly reading: TimestampReading) {
    const zone = reading.timeZone;
    this.format =
      zone && zone.toUpperCase() !== 'UTC'
        ? new Intl.DateTimeFormat('en-US', {
            timeZone: zone,
            hourCycle: 'h23',
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric',
          })
        : null;
  }

  parse(value: string | undefined): Date | null {
    const text = value?.trim();
    if (!text) return null;
    const iso = ISO_LIKE.exec(text);
    if (iso) return this.fromIso(iso);
    const slashed = SLASHED.exec(text);
    return slashed ? this.fromSlashed(slashed) : null;
  }

  private fromIso(m: RegExpExecArray): Date | null {
    const [, y, mo, d, h, mi, s, frac, zone] = m;
    const local = checked({
      year: +y,
      month: +mo,
      day: +d,
      hour: +h,
      minute: +mi,
      second: s ? +s : 0,
      millisecond: frac ? Math.floor(+`0.${frac}` * 1000) : 0,
    });
    if (!local) return null;
    if (!zone) return this.toUtc(local);
    const offset = zone.toUpperCase() === 'Z' ? 0 : zoneOffsetMinutes(zone);
    return new Date(utcOf(local) - offset * 60_000);
  }

  private fromSlashed(m: RegExpExecArray): Date | null {
    const [, a, b, y, h, mi, s, frac, meridiem] = m;
    const first = +a;
    const second = +b;
    const dayFirst = this.reading.dayFirst ? second <= 12 : first > 12;
    let hour = +h;
    if (meridiem) {
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (meridiem.toUpperCase() === 'PM' ? 12 : 0);
    }
    const local = checked({
      year: +y,
      month: dayFirst ? second : first,
      day: dayFirst ? first : second,
      hour,
      minute: +mi,
      second: s ? +s : 0,
      millisecond: frac ? Math.floor(+`0.${frac}` * 1000) : 0,
    });
    return local ? this.toUtc(local) : null;
  }

  /** The instant a local time of the zone stands for (the zone's offset looked up twice: exact but in DST changes). */
  private toUtc(local: LocalTime): Date {
    const asUtc = utcOf(local);
    if (!this.format) return new Date(asUtc);
    const hourKey = Math.floor(asUtc / 3_600_000);
    let offset = this.offsets.get(hourKey);
    if (offset === undefined) {
      const guess = this.offsetAt(asUtc);
      offset = this.offsetAt(asUtc - guess);
      if (this.offsets.size < 10_000) this.offsets.set(hourKey, offset);
    }
    return new Date(asUtc - offset);
  }

  private offsetAt(instant: number): number {
    const parts: Record<string, number> = {};
    for (const p of (this.format as Intl.DateTimeFormat).formatToParts(new Date(instant))) {
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    }
    const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
    return wall - Math.floor(instant / 1000) * 1000;
  }
}

function utcOf(t: LocalTime): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond);
}

function checked(t: LocalTime): LocalTime | null {
  const date = new Date(utcOf(t));
  const valid =
    t.year >= 1970 &&
    date.getUTCFullYear() === t.year &&
    date.getUTCMonth() === t.month - 1 &&
    date.getUTCDate() === t.day &&
    t.hour < 24 &&
    t.minute < 60 &&
    t.second < 60;
  return valid ? t : null;
}

function zoneOffsetMinutes(zone: string): number {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone) as RegExpExecArray;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}
