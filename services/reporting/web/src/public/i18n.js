// The page's language: Chinese by default, English on request, kept in localStorage so that
// a visitor's choice survives a reload, and written to <html lang> for screen readers.

import { reactive } from "vue";

import { MINERALS_EN, STRINGS } from "./strings.js";

const KEY = "lode.public.lang";

function stored() {
  try {
    return window.localStorage.getItem(KEY) === "en" ? "en" : "zh";
  } catch {
    return "zh"; // storage refused (a private window's policy): Chinese, not a broken page
  }
}

export const i18n = reactive({ lang: stored() });

/** The locale Intl formats with. */
export const locale = () => (i18n.lang === "zh" ? "zh-CN" : "en-GB");

function fill(text, vars) {
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** The string `key` in the page's language, `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  return fill(STRINGS[i18n.lang][key] ?? STRINGS.zh[key] ?? key, vars);
}

/** The string `key` in Chinese and in English, for what a visitor must not miss in either
 * language (an empty list's meaning, a refusal): shown Chinese first, whatever the toggle. */
export function both(key, vars = {}) {
  return { zh: fill(STRINGS.zh[key] ?? key, vars), en: fill(STRINGS.en[key] ?? STRINGS.zh[key] ?? key, vars) };
}

/** The string `key` in the other language than the page's (the header's second line). */
export function tOther(key, vars = {}) {
  const other = i18n.lang === "zh" ? "en" : "zh";
  return fill(STRINGS[other][key] ?? key, vars);
}

/** A code the API sends (`group.value`, e.g. `right.mining`) in words; an unknown code as
 * sent, and nothing as a dash. */
export function label(group, value) {
  if (value === null || value === undefined || value === "") return t("dash");
  const key = `${group}.${value}`;
  return key in STRINGS[i18n.lang] || key in STRINGS.zh ? t(key) : String(value);
}

/** A mineral's name: the catalogue's Chinese name, in English where the page knows it. */
export function mineralName(zh) {
  if (!zh) return t("dash");
  return i18n.lang === "en" && MINERALS_EN[zh] ? MINERALS_EN[zh] : zh;
}

/** Writes the language to the document and remembers it (the page's title follows in
 * App.vue, which knows the plan's name). */
export function setLang(lang) {
  i18n.lang = lang === "en" ? "en" : "zh";
  try {
    window.localStorage.setItem(KEY, i18n.lang);
  } catch {
    // not remembered; the page still switches
  }
  applyLang();
}

export function applyLang() {
  const root = document.documentElement;
  root.lang = i18n.lang === "zh" ? "zh-CN" : "en"; // no data-lang here: [data-lang] is the toggle's
}

const numberFormats = new Map();

/** A number grouped by thousands in the page's locale (at most two decimals). */
export function formatNumber(value) {
  if (value === null || value === undefined || value === "") return t("dash");
  const number = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(number)) return String(value);
  const key = locale();
  if (!numberFormats.has(key)) numberFormats.set(key, new Intl.NumberFormat(key, { maximumFractionDigits: 2 }));
  return numberFormats.get(key).format(number);
}

const CST = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** An instant (ISO 8601) as "YYYY-MM-DD HH:mm" in China Standard Time, the bureau's clock:
 * one unambiguous form in both languages (the days of the tables are written so too). */
export function formatInstant(iso) {
  if (!iso) return t("dash");
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return String(iso);
  const part = Object.fromEntries(CST.formatToParts(when).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
}

/** A calendar day as the API sends it (YYYY-MM-DD): shown as is in both languages. */
export function formatDay(day) {
  return day ? String(day) : t("dash");
}
