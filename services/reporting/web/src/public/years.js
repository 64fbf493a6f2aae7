// The years the page offers: those the public API answers for (the plan's years, from its
// first to this one while it is in force), as the summary states them; this year alone
// when the summary cannot say.

const CST_YEAR = new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" });

/** This year by the bureau's clock (China Standard Time). */
export const thisYear = () => Number(CST_YEAR.format(new Date()));

/** The selectable years, the latest first. */
export function yearsOf(summary) {
  const span = summary?.years;
  const first = Number(span?.first ?? span?.[0]);
  const last = Number(span?.last ?? span?.[1]);
  if (Number.isInteger(first) && Number.isInteger(last) && first <= last) {
    return Array.from({ length: last - first + 1 }, (_, i) => last - i);
  }
  return [summary?.year ?? thisYear()];
}
