/**
 * Rulebook versions. Each version belongs to one assessment year and takes
 * effect from a day (`effectiveFrom`). A change made mid-year only affects
 * periods that open on or after that day: a period is governed by the version
 * in force when it opens, so work already under way keeps its rules.
 */
import { parseCivilDate, shanghaiDateOf, startOfDay } from '../time/shanghai';
import type { Rulebook } from './types';

/** The instant a version takes effect: 00:00 Asia/Shanghai on effectiveFrom. */
export function effectiveFromInstant(rulebook: Rulebook): Date {
  return startOfDay(parseCivilDate(rulebook.effectiveFrom));
}

/** Versions of the same year sorted by effectiveFrom; throws when two take effect on the same day. */
export function sortVersions(versions: readonly Rulebook[]): Rulebook[] {
  const sorted = [...versions].sort((a, b) => a.year - b.year || a.effectiveFrom.localeCompare(b.effectiveFrom));
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!;
    const current = sorted[i]!;
    if (previous.year === current.year && previous.effectiveFrom === current.effectiveFrom) {
      throw new Error(
        `rulebook versions ${previous.version} (${previous.fileName}) and ${current.version} (${current.fileName}) both take effect on ${current.effectiveFrom}`,
      );
    }
  }
  return sorted;
}

/**
 * The version that governs a period opening at `at`: among the versions for
 * the Shanghai year of `at`, the latest whose effectiveFrom is not after `at`.
 * Undefined when that year has no version in force yet.
 */
export function effectiveRulebook(versions: readonly Rulebook[], at: Date): Rulebook | undefined {
  const year = shanghaiDateOf(at).year;
  let chosen: Rulebook | undefined;
  for (const version of sortVersions(versions)) {
    if (version.year === year && effectiveFromInstant(version) <= at) chosen = version;
  }
  return chosen;
}

export interface VersionSpan {
  readonly rulebook: Rulebook;
  /** inclusive */
  readonly from: Date;
  /** exclusive: when the next version of the same year takes effect, or the end of the year */
  readonly until: Date;
}

/** The time each version governs, in order. */
export function versionSpans(versions: readonly Rulebook[]): VersionSpan[] {
  const sorted = sortVersions(versions);
  return sorted.map((rulebook, i) => {
    const next = sorted[i + 1];
    const yearEnd = startOfDay({ year: rulebook.year + 1, month: 1, day: 1 });
    const until = next && next.year === rulebook.year ? effectiveFromInstant(next) : yearEnd;
    return { rulebook, from: effectiveFromInstant(rulebook), until };
  });
}
