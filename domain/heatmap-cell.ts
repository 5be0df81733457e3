// A heatmap cell's state, and how GET /api/heatmap writes it: one letter per
// cell, since a page of 100 communities x 90 items is 9,000 cells, and as
// objects they made half a megabyte per request. Row i of `statuses` is
// community i of the page, its letter j is item j.
export const CELL_STATUSES = ['on-track', 'due-soon', 'overdue', 'deducted'] as const;
export type CellStatus = (typeof CELL_STATUSES)[number];

export const CELL_LETTER: Record<CellStatus, string> = { 'on-track': 'o', 'due-soon': 's', overdue: 'x', deducted: 'd' };
/** the letter of an item with no task that month */
export const NO_TASK = '-';

const OF_LETTER = new Map(CELL_STATUSES.map((s) => [CELL_LETTER[s], s]));

/** The state a letter stands for; undefined for NO_TASK (or anything else). */
export function cellOfLetter(letter: string | undefined): CellStatus | undefined {
  return letter === undefined ? undefined : OF_LETTER.get(letter);
}
