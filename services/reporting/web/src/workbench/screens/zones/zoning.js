// What the zoning screens share: the plans (read once per page load, as GET /zoning/v1/plans
// and /plans/{id} answer them), the words and colours of the zone types, and a zone Feature
// as a shape for AreaMap. The zone types are the plan's own (its document's zones.types,
// with their Chinese names and clauses); the colours only tell them apart on a map.
import { request } from "@/shared/api.js";
import { lang } from "@/shared/i18n.js";

let plans = null;
const documents = new Map();

/** The plans and the version of each in force (GET /zoning/v1/plans), once per page load. */
export function loadPlans() {
  plans ??= request("GET", "/zoning/v1/plans").catch((error) => {
    plans = null; // asked again next time
    throw error;
  });
  return plans;
}

/** A plan's version in force (GET /zoning/v1/plans/{id}): its zone types, entry rules… */
export function loadPlan(planId) {
  if (!planId) return Promise.resolve(null);
  if (!documents.has(planId)) {
    const loading = request("GET", `/zoning/v1/plans/${encodeURIComponent(planId)}`).catch((error) => {
      documents.delete(planId);
      throw error;
    });
    documents.set(planId, loading);
  }
  return documents.get(planId);
}

/** Forgets what was read (after a version is published or a proposal approved). */
export function forgetPlans() {
  plans = null;
  documents.clear();
}

/** The plan a screen starts with: the first in force, else the first listed. */
export function defaultPlanId(list) {
  const items = list?.items || [];
  return (items.find((p) => p.standing === "in_force" || p.standing === "ended_in_force") || items[0])?.plan_id || "";
}

const TYPE_WORDS = {
  energy_resource_base: "Energy resource base",
  national_planning_mining_area: "National planned mining area",
  key_exploration_area: "Key exploration area",
  key_mining_area: "Key mining area",
  sand_gravel_area: "Sand and gravel mining area",
  exploration_block: "Exploration block",
  mining_block: "Mining block",
  key_development_region: "Key development region",
  forbidden_mining_area: "No-mining area",
  restricted_mining_area: "Restricted mining area",
  ecological_red_line: "Ecological protection red line",
  administrative_boundary: "Administrative boundary",
};

/** A zone type in the page's language: the plan's Chinese name (zones.types), an English
 * name for the plan's types, else the type's id as the API wrote it. */
export function typeLabel(typeId, types = []) {
  const zh = types.find((t) => t.id === typeId)?.name_zh;
  if (lang.value === "en") return TYPE_WORDS[typeId] || zh || typeId;
  return zh || typeId;
}

/** The plan's zone types as select options `{value, label}`. */
export function typeOptions(types = []) {
  return types.map((t) => ({ value: t.id, label: typeLabel(t.id, types) }));
}

const TYPE_COLOURS = {
  administrative_boundary: "#52575e",
  ecological_red_line: "#b42318",
  forbidden_mining_area: "#7a1f5c",
  restricted_mining_area: "#c2410c",
  energy_resource_base: "#8a5a00",
  national_planning_mining_area: "#5b4636",
  key_exploration_area: "#1f5fa6",
  key_mining_area: "#2f6a1f",
  sand_gravel_area: "#a16207",
  exploration_block: "#0e7490",
  mining_block: "#15803d",
  key_development_region: "#6d28d9",
};
const SPARE = ["#9d174d", "#3f6212", "#1e40af", "#854d0e", "#0f766e", "#6b21a8", "#9a3412"];

/** The colour a zone type is drawn in (a plan's own new type gets one of the spare ones). */
export function typeColour(typeId) {
  if (TYPE_COLOURS[typeId]) return TYPE_COLOURS[typeId];
  const text = String(typeId || "");
  let sum = 0;
  for (const c of text) sum = (sum * 31 + c.charCodeAt(0)) % 9973;
  return SPARE[sum % SPARE.length];
}

/** A zone Feature (GET /zoning/v1/zones) as an AreaMap shape coloured by its type; the
 * larger areas first, so the smaller ones are drawn over them and can be pointed at. */
export function zoneShapes(features, types = [], extra = {}) {
  return [...(features || [])]
    .filter((f) => f?.geometry)
    .sort((a, b) => (b.properties?.area_ha ?? 0) - (a.properties?.area_ha ?? 0))
    .map((f) => ({
      id: f.id,
      name: f.properties?.code || f.id,
      tooltip: `${f.properties?.code ?? ""} ${f.properties?.name_zh ?? ""} · ${typeLabel(f.properties?.type, types)}`,
      geometry: f.geometry,
      kind: "zone",
      colour: typeColour(f.properties?.type),
      ...extra,
    }));
}

/** The legend of the types among `features`. */
export function typeLegend(features, types = []) {
  const seen = [...new Set((features || []).map((f) => f.properties?.type).filter(Boolean))];
  return seen.map((id) => ({ label: typeLabel(id, types), colour: typeColour(id) }));
}

/** The minerals an officer typed ("铁矿、金矿" or "铁矿, 金矿") as the list the API takes. */
export function mineralList(text) {
  return String(text || "")
    .split(/[,，、;；\s]+/)
    .map((m) => m.trim())
    .filter(Boolean);
}

/** A geometry from text an officer pasted or a file held: a GeoJSON geometry as it is; a
 * Feature's geometry; a FeatureCollection of one Feature, that Feature's. Anything else is
 * sent as it was given, and the API says what is wrong with it. Throws a SyntaxError for
 * text that is not JSON. */
export function geometryOf(text) {
  const value = JSON.parse(text);
  if (value?.type === "Feature") return value.geometry;
  if (value?.type === "FeatureCollection" && Array.isArray(value.features) && value.features.length === 1) {
    return value.features[0]?.geometry;
  }
  return value;
}

/** The CRS codes the zoning API accepts (its OpenAPI `CrsCode`), with their meaning. */
export const CRS_OPTIONS = [
  { value: "EPSG:4490", label: { zh: "EPSG:4490 CGCS2000 经纬度", en: "EPSG:4490 CGCS2000 lon/lat" } },
  { value: "EPSG:4527", label: { zh: "EPSG:4527 CGCS2000 3度带 第39带（Y 含带号）", en: "EPSG:4527 CGCS2000 3° GK zone 39 (Y with the zone number)" } },
  { value: "EPSG:4528", label: { zh: "EPSG:4528 CGCS2000 3度带 第40带（Y 含带号）", en: "EPSG:4528 CGCS2000 3° GK zone 40 (Y with the zone number)" } },
  { value: "EPSG:4548", label: { zh: "EPSG:4548 CGCS2000 3度带 中央经线117°E（Y 不含带号）", en: "EPSG:4548 CGCS2000 3° GK CM 117°E (Y without the zone number)" } },
  { value: "EPSG:4549", label: { zh: "EPSG:4549 CGCS2000 3度带 中央经线120°E（Y 不含带号）", en: "EPSG:4549 CGCS2000 3° GK CM 120°E (Y without the zone number)" } },
];

/** A fresh value for AreaInput: how the area is given and what was typed, drawn or read. */
export function newArea(mode = "geojson") {
  return { mode, geojson: "", corners: "", crs: "", drawn: [] };
}

/**
 * The members of a request body that carry an area (as POST /zoning/v1/zones and
 * /analysis take it: `geometry`, with `crs` for projected coordinates, or `corners` with
 * `crs`), from an AreaInput's value; `{}` to keep the area a zone has. Throws a SyntaxError
 * when the GeoJSON text is not JSON (said next to the field; everything else the API checks).
 */
export function areaBody(area) {
  if (!area || area.mode === "keep") return {};
  const crs = area.crs ? { crs: area.crs } : {};
  if (area.mode === "corners") return { corners: area.corners, ...crs };
  if (area.mode === "draw") {
    const ring = area.drawn || [];
    return ring.length ? { geometry: { type: "Polygon", coordinates: [[...ring, ring[0]]] } } : {};
  }
  const text = String(area.geojson || "").trim();
  return text ? { geometry: geometryOf(text), ...crs } : {};
}
