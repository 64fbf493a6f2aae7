// Reading the items of GET /reporting/v1/indicators: names, the 2020 baseline, and the
// progress from the baseline to the target. Pure functions.

import { lang } from "./i18n.js";

export const BASE_YEAR = 2020;

/** A JSON number (or a decimal string) as a Number; null when there is none. */
export function num(value) {
  if (value === null || value === undefined || value === "") return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

export function displayName(item) {
  if (lang() === "en" && item.name_en) return item.name_en;
  return item.name_zh || item.id;
}

/** The 2020 baseline; a cumulative indicator (at least N over the period) starts at 0. */
export function baseline(item) {
  const value = num(item.baseline_2020);
  if (value !== null) return value;
  return item.kind === "at_least" ? 0 : null;
}

const CEILINGS = new Set(["at_most", "below"]);

/** Progress toward the target in [0, 1], from the 2020 baseline; null without a figure. */
export function progress(item) {
  const actual = num(item.actual);
  const target = num(item.target);
  if (actual === null || target === null) return null;
  const base = baseline(item);
  let fraction;
  if (base === null || base === target) {
    if (CEILINGS.has(item.kind)) fraction = actual <= target ? 1 : target / actual;
    else fraction = target === 0 ? 1 : actual / target;
  } else {
    fraction = (actual - base) / (target - base);
  }
  return Math.max(0, Math.min(1, fraction));
}

/** The plan's main quantitative indicators (专栏2): the ones charted by year. */
export const isCharted = (item) => item.section === "专栏2" && num(item.target) !== null;
