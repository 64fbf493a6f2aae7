// What an empty panel lacks and what to do about it, in Chinese first and then in English
// (a bureau's first start has no zones, licences or reports: the page says so and where to
// act, rather than staying blank).

import { both } from "./i18n.js";

/**
 * Shows in `element` the notes `missing` (keys of `missing.*` in i18n.js, e.g. "zones"),
 * or hides it when nothing is missing. `element.dataset.missing` lists the keys.
 */
export function showMissing(element, missing, vars = {}) {
  element.dataset.missing = missing.join(" ");
  element.hidden = missing.length === 0;
  if (!missing.length) {
    element.replaceChildren();
    return;
  }
  const texts = missing.map((key) => both(`missing.${key}`, vars));
  const zh = document.createElement("p");
  zh.lang = "zh-CN";
  zh.textContent = texts.map((text) => text.zh).join(" ");
  const en = document.createElement("p");
  en.lang = "en";
  en.textContent = texts.map((text) => text.en).join(" ");
  element.replaceChildren(zh, en);
}
