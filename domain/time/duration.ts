/**
 * Signed ISO 8601 durations limited to weeks, days, hours, minutes and seconds,
 * e.g. "-P7D", "-PT2H30M", "PT0S". Months and years are deliberately not
 * accepted: their length varies, and reminder offsets must mean one fixed
 * amount of time. A day is exactly 24 hours because Asia/Shanghai has no DST.
 */

const DURATION = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Milliseconds, or undefined when the text is not a supported duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match || text.endsWith('T') || /^[+-]?P$/.test(text)) return undefined;
  const [, sign, weeks, days, hours, minutes, seconds] = match;
  const ms =
    ((Number(weeks ?? 0) * 7 + Number(days ?? 0)) * 24 * 3600 +
      Number(hours ?? 0) * 3600 +
      Number(minutes ?? 0) * 60 +
      Number(seconds ?? 0)) *
    1000;
  return sign === '-' ? -ms : ms;
}

export function isDuration(text: string): boolean {
  return parseDuration(text) !== undefined;
}

/** Like parseDuration but throws; use after validation. */
export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new RangeError(`not a duration like -P7D or PT2H: "${text}"`);
  return ms;
}

/** "-P1DT2H" -> "截止前1天2小时", for Chinese messages. */
export function describeOffset(text: string): string {
  const ms = durationMs(text);
  if (ms === 0) return '截止时';
  let rest = Math.abs(ms) / 1000;
  const parts: string[] = [];
  const units: Array<[number, string]> = [
    [86400, '天'],
    [3600, '小时'],
    [60, '分钟'],
    [1, '秒'],
  ];
  for (const [size, name] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${name}`);
    rest -= n * size;
  }
  return `${ms < 0 ? '截止前' : '截止后'}${parts.join('')}`;
}
