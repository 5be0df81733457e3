/**
 * Seasons such as the flood season (汛期): the same month-day span every year,
 * defined in the rulebook settings so an admin can move it.
 */
import { type Period, spanPeriod } from '../time/period';
import { civilDate } from '../time/shanghai';

export interface SeasonDefinition {
  /** lowercase id used in period keys, e.g. "flood" -> 2022-flood */
  readonly id: string;
  /** Chinese name, e.g. 汛期 */
  readonly name: string;
  /** first day, "MM-DD" */
  readonly start: string;
  /** last day (inclusive), "MM-DD" */
  readonly end: string;
}

export function parseMonthDay(text: string): { month: number; day: number } {
  const match = /^(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new RangeError(`expected a month-day like 06-01, got "${text}"`);
  return { month: Number(match[1]), day: Number(match[2]) };
}

export function seasonPeriod(season: SeasonDefinition, year: number): Period {
  const start = parseMonthDay(season.start);
  const end = parseMonthDay(season.end);
  return spanPeriod(
    `${year}-${season.id}`,
    'season',
    civilDate(year, start.month, start.day),
    civilDate(year, end.month, end.day),
    `${year}年${season.name}`,
  );
}
