// The indicator cards: figure against target, progress bar, status badge, clause. Updated
// in place (a changed card flashes); a click on the figure opens its sources.

import { formatNumber, t } from "./i18n.js";
import { baseline, displayName, num, progress } from "./indicators.js";

const STATUSES = new Set(["met", "on_track", "at_risk", "not_met", "no_data"]);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

function skeleton(item, onOpen) {
  const id = `indicator-${item.id}`;
  const card = el("li", { class: "card", "data-indicator": item.id, "aria-labelledby": `${id}-name` });
  const figure = el(
    "button",
    { class: "figure", type: "button", "data-role": "figure" },
    el("span", { class: "actual", "data-role": "actual" }),
    el("span", { class: "unit", "data-role": "unit" }),
    el("span", { class: "target", "data-role": "target" }),
  );
  figure.addEventListener("click", () => onOpen(card.dataset.indicator));
  card.append(
    el("h3", { id: `${id}-name`, "data-role": "name" }),
    figure,
    el("div", { class: "progress", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "data-role": "progress" }, el("span")),
    el("div", { class: "meta" }, el("span", { class: "badge", "data-role": "badge" }), el("span", { "data-role": "baseline" })),
    el("p", { class: "clause", "data-role": "clause" }),
  );
  return card;
}

function fill(card, item) {
  const part = (role) => card.querySelector(`[data-role="${role}"]`);
  const status = STATUSES.has(item.status) ? item.status : "no_data";
  const name = displayName(item);
  const before = `${card.dataset.actual}|${card.dataset.status}`;
  card.dataset.status = status;
  card.dataset.actual = item.actual ?? "";
  part("name").textContent = name;
  part("name").title = item.definition_en ?? "";
  const actual = part("actual");
  actual.textContent = formatNumber(item.actual);
  actual.dataset.value = item.actual ?? "";
  part("unit").textContent = item.unit_zh ?? "";
  const target = num(item.target);
  part("target").textContent = target === null ? "" : `/ ${t("target")} ${item.target_text || `${formatNumber(target)} ${item.unit_zh ?? ""}`}`;
  part("figure").setAttribute("aria-label", t("sourcesOpen", { name }));
  const fraction = progress(item);
  const bar = part("progress");
  bar.hidden = fraction === null;
  if (fraction !== null) {
    const pct = Math.round(fraction * 100);
    bar.setAttribute("aria-valuenow", String(pct));
    bar.setAttribute("aria-label", t("progress", { pct }));
    bar.title = t("progress", { pct });
    bar.firstElementChild.style.width = `${pct}%`;
  }
  const badge = part("badge");
  badge.dataset.status = status;
  badge.textContent = t(`status.${status}`);
  badge.title = item.explanation ?? "";
  const base = baseline(item);
  part("baseline").textContent = num(item.baseline_2020) === null ? "" : `${t("baseline")} ${formatNumber(base)}`;
  const clause = item.clause ?? "";
  part("clause").textContent = clause ? t("clause", { clause }) : "";
  part("clause").title = clause;
  return before !== "undefined|undefined" && before !== `${card.dataset.actual}|${card.dataset.status}`;
}

/** Renders `items` into the list, reusing the cards already there. */
export function renderCards(list, items, onOpen) {
  const existing = new Map([...list.children].map((card) => [card.dataset.indicator, card]));
  const cards = items.map((item) => {
    const card = existing.get(item.id) ?? skeleton(item, onOpen);
    if (fill(card, item)) {
      card.classList.remove("changed");
      void card.offsetWidth; // restart the animation
      card.classList.add("changed");
    }
    return card;
  });
  list.replaceChildren(...cards);
  list.setAttribute("aria-busy", "false");
}
