// Chinese first, English complete: the language a page speaks, kept across visits in
// localStorage (one choice for the workbench and the public page), and the dictionaries
// its words come from. `t(key)` reads the reactive language, so a template that uses it
// re-renders when the language changes; Element Plus follows through <el-config-provider>
// (see `elementLocale`). The <html lang> attribute follows too, for screen readers.
import { computed, ref, watchEffect } from "vue";
import en from "element-plus/es/locale/lang/en.mjs";
import zhCn from "element-plus/es/locale/lang/zh-cn.mjs";

const KEY = "lode.lang";
const LANGS = ["zh", "en"];

function stored() {
  try {
    return localStorage.getItem(KEY) === "en" ? "en" : "zh";
  } catch {
    return "zh"; // storage refused (a locked-down browser): Chinese, the default
  }
}

/** The language shown: "zh" (the default) or "en". */
export const lang = ref(stored());

/** Element Plus's own words (pagination, dialogs, date pickers) in the page's language. */
export const elementLocale = computed(() => (lang.value === "en" ? en : zhCn));

/** The BCP 47 tag for Intl formatting and <html lang>. */
export const locale = computed(() => (lang.value === "en" ? "en-GB" : "zh-CN"));

// <html lang> only: a data-lang on <html> would be the first match of the toggle's own
// [data-lang=en] selector, which the tests (the dashboard's too) click
watchEffect(() => {
  document.documentElement.lang = lang.value === "en" ? "en" : "zh-CN";
});

export function setLang(next) {
  if (!LANGS.includes(next)) return;
  lang.value = next;
  try {
    localStorage.setItem(KEY, next);
  } catch {
    // kept for this page only
  }
}

const dictionaries = { zh: {}, en: {} };

/** Adds words to the page's dictionary: `{zh: {key: "…"}, en: {key: "…"}}`. */
export function addMessages(messages) {
  for (const one of LANGS) Object.assign(dictionaries[one], messages[one] || {});
}

function fill(text, vars) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (vars && name in vars ? String(vars[name] ?? "") : whole));
}

function lookup(sources, key, vars) {
  const current = lang.value;
  for (const source of sources) {
    const text = source[current]?.[key];
    if (text !== undefined) return fill(text, vars);
  }
  for (const source of sources) {
    const text = source.zh?.[key];
    if (text !== undefined) return fill(text, vars);
  }
  return key;
}

/** The word `key` in the current language, `{name}` placeholders filled from `vars`. */
export function t(key, vars) {
  return lookup([dictionaries], key, vars);
}

/** `t(key)` if the dictionary knows the key, else `fallback` (an API code not translated). */
export function tOr(key, fallback, vars) {
  const found = lookup([dictionaries], key, vars);
  return found === key ? fallback : found;
}

/** A screen's `t`: its own words (`{zh, en}`) first, then the page's dictionary. */
export function useI18n(local = {}) {
  return {
    lang,
    t: (key, vars) => lookup([local, dictionaries], key, vars),
    tOr: (key, fallback, vars) => {
      const found = lookup([local, dictionaries], key, vars);
      return found === key ? fallback : found;
    },
  };
}

/** One of a `{zh, en}` pair in the current language (Chinese when English is missing). */
export function pick(pair) {
  if (pair === null || pair === undefined) return "";
  if (typeof pair === "string") return pair;
  return (lang.value === "en" ? pair.en : pair.zh) ?? pair.zh ?? pair.en ?? "";
}

/** A message the API writes as "中文 — English": the half in the current language (the
 * whole text when it has no such halves). `zh`/`en` fields, when the API gives them, win. */
export function bilingual(text, zh, en) {
  if (lang.value === "en" && en) return en;
  if (lang.value === "zh" && zh) return zh;
  const value = String(text ?? "");
  const cut = value.indexOf(" — ");
  if (cut < 0) return value;
  return lang.value === "en" ? value.slice(cut + 3) : value.slice(0, cut);
}
