// PostgreSQL `date` columns (@db.Date) travel through Prisma as the civil
// date at UTC midnight; these two turn them into and out of 'YYYY-MM-DD'.

/** 'YYYY-MM-DD' as the value of a @db.Date column. */
export const toDateColumn = (day: string): Date => new Date(`${day}T00:00:00.000Z`);

/** A @db.Date column's value as 'YYYY-MM-DD'. */
export const fromDateColumn = (date: Date): string => date.toISOString().slice(0, 10);
