// A plan document's data in words an officer reads (its entry rules' scope, checks and
// effect; an indicator's target; a text target's limit), from the document as published
// (lode_common.plan.document, entry_rules). Words only: what the rules decide is
// licensing's, which runs them.
import { typeLabel } from "../zones/zoning.js";

const list = (value) => (value === null || value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Whom an entry rule applies to (applies_to), e.g. "采矿权 · 新立 · 铁矿 · 重点开采区";
 * "" when it applies to every application. */
export function scopeText(appliesTo, t, types = []) {
  if (!appliesTo) return "";
  const parts = [];
  if (appliesTo.right) parts.push(t(`right.${appliesTo.right}`));
  if (appliesTo.kind) parts.push(t(`kind.${appliesTo.kind}`));
  const minerals = list(appliesTo.mineral_zh);
  if (minerals.length) parts.push(minerals.join("、"));
  if (appliesTo.method) parts.push(t(`method.${appliesTo.method}`));
  const zones = list(appliesTo.zone_type);
  if (zones.length) parts.push(zones.map((z) => typeLabel(z, types)).join("、"));
  return parts.join(" · ");
}

function bound(b, unit, t) {
  const parts = [];
  if (b.min !== undefined && b.min !== null) parts.push(`${b.inclusive === false ? ">" : "≥"} ${b.min}`);
  if (b.max !== undefined && b.max !== null) parts.push(`${b.inclusive === false ? "<" : "≤"} ${b.max}`);
  return `${parts.join(t("rule.and"))} ${unit}`;
}

/** What an entry rule checks (check), one phrase per check. */
export function checkTexts(check, t) {
  if (!check) return [];
  const out = [];
  for (const [name, value] of Object.entries(check)) {
    if (value === null || value === undefined) continue;
    if (name === "capacity_ore_10kt_per_year") out.push(t("rule.capacity", { bound: bound(value, t("unit.10ktYear"), t) }));
    else if (name === "processing_t_per_day") out.push(t("rule.processing", { bound: bound(value, t("unit.tDay"), t) }));
    else if (name === "scale") out.push(t("rule.scale", { scale: t(`scale.${value}`) }));
    else out.push(t(`rule.check.${name}`) === `rule.check.${name}` ? `${name}: ${value}` : t(`rule.check.${name}`));
  }
  return out;
}

/** What follows when the rule applies or its check fails (effect). */
export function effectText(effect, t) {
  return effect ? t(`rule.effect.${effect}`) : "";
}

/** A text target's limit (max, min, below, above …) with its unit. */
export function limitText(limit, t) {
  if (!limit) return "";
  const unit = limit.unit_zh || "";
  const parts = [];
  for (const [name, sign] of [["max", "≤"], ["min", "≥"], ["below", "<"], ["above", ">"]]) {
    if (limit[name] !== undefined && limit[name] !== null) parts.push(`${sign} ${limit[name]}${unit}`);
  }
  if (limit.min_pct !== undefined && limit.min_pct !== null) parts.push(`≥ ${limit.min_pct}%`);
  if (limit.max_pct !== undefined && limit.max_pct !== null) parts.push(`≤ ${limit.max_pct}%`);
  return parts.join(t("rule.and"));
}

/** A change's value (before or after) as short text: numbers and text as they are, lists
 * joined, objects as compact JSON. */
export function valueText(value) {
  if (value === null || value === undefined) return "—";
  if (Array.isArray(value) && value.every((v) => typeof v !== "object")) return value.join("、");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** A plan document as published (a version's or a proposal's `document`) in the shape of a
 * plan's version in force (GET /zoning/v1/plans/{id}), for one readable view of both. */
export function viewOfDocument(document) {
  const doc = document || {};
  return {
    title_zh: doc.plan?.title_zh,
    parent_plan_id: doc.plan?.parent_plan_id ?? null,
    predecessor_plan_id: doc.plan?.predecessor_plan_id ?? null,
    period: doc.plan?.period || [],
    region: doc.region || {},
    indicators: doc.indicators || { items: [] },
    text_targets: doc.text_targets || [],
    mineral_policy: doc.mineral_policy || {},
    entry_rules: doc.entry_rules || [],
    zone_types: doc.zones?.types || [],
    projects: doc.projects || [],
    standards: doc.standards || {},
  };
}
