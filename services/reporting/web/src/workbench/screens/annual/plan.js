// The plan in force and the years a screen may ask about, as the API states them. No staff
// route names them (each reporting route takes a year and says in its 422 which years it
// accepts), so this reads the public summary (GET /public/v1/summary, what the public page's
// header reads, no sign-in): the plan reporting follows (its id, title and period) and the
// years that may be asked for (the period, then each year since while no successor has
// replaced it). Asked once per page; when it cannot be read, this year alone is offered.
import { reactive } from "vue";

import { request } from "@/shared/api.js";

const CST_YEAR = new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" });

/** This year by the bureau's clock (China Standard Time). */
export const thisYear = () => Number(CST_YEAR.format(new Date()));

/** The years from `first` to `last`, the latest first. */
export function yearsBetween(first, last) {
  if (!Number.isInteger(first) || !Number.isInteger(last) || first > last) return [thisYear()];
  return Array.from({ length: last - first + 1 }, (_, i) => last - i);
}

const state = reactive({ plan: null, years: null, problem: null, ready: false });
let asked = null;

/**
 * The plan in force, shared by the screens: `{plan: {plan_id, title_zh, title_en, period},
 * years: {first, last}, problem, ready}` (reactive; filled once the summary answers).
 */
export function usePlan() {
  asked ??= request("GET", "/public/v1/summary", { signed: false })
    .then((summary) => {
      state.plan = summary?.plan ?? null;
      state.years = summary?.years ?? null;
      state.problem = null;
    })
    .catch((error) => {
      state.problem = error;
      asked = null; // asked again by the next screen that opens
    })
    .finally(() => {
      state.ready = true;
    });
  return state;
}

/** The years of the plan's period (an implementation report, the indicators), latest first. */
export function periodYears(plan) {
  const [first, last] = plan?.period ?? [];
  return yearsBetween(first, last);
}

/** The years the plan governs (its period, then each year since while still in force). */
export function inForceYears(years) {
  return yearsBetween(years?.first, years?.last);
}

/** The year shown first: the latest of `years` not after this year. */
export function defaultYear(years) {
  const now = thisYear();
  return years.find((y) => y <= now) ?? years[years.length - 1] ?? now;
}
