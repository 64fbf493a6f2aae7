// The map of zones and licence areas: GeoJSON from GET /reporting/v1/map registered with
// ECharts (no tiles): zones coloured by type, licences by status, an HTML legend.

import { t, tOr } from "./i18n.js";
import { resizeWith } from "./resize.js";

const ZONE_COLOURS = {
  administrative_boundary: "#eef2f4",
  ecological_red_line: "#7fbf7f",
  forbidden_mining_area: "#e8a0a0",
  restricted_mining_area: "#f3c98b",
  energy_resource_base: "#c9b3e6",
  national_planning_mining_area: "#b7c7e8",
  key_exploration_area: "#9fd3e6",
  key_mining_area: "#f0b37e",
  sand_gravel_area: "#d9c7a1",
  exploration_block: "#7db8e8",
  mining_block: "#e89a5c",
  key_development_region: "#cbd67a",
};
const ZONE_ORDER = Object.keys(ZONE_COLOURS);
const LICENCE_COLOURS = {
  active: "#1a7f37",
  suspended: "#d18b00",
  expired: "#6e7781",
  revoked: "#c0262d",
  cancelled: "#3d4752",
};

let chart = null;
let features = new Map(); // key -> properties

const keyOf = (p, i) => (p.kind === "licence" ? `licence:${p.licence_no}` : `zone:${p.zone_id ?? p.code ?? i}`);
const zoneLabel = (type) => tOr(`zone.${type}`, type);
const licenceLabel = (status) => tOr(`licence.${status}`, status);

function colour(p) {
  if (p.kind === "licence") return LICENCE_COLOURS[p.status] ?? "#6e7781";
  return ZONE_COLOURS[p.type] ?? "#d0d7de";
}

function tooltip(p) {
  const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  const rows = [];
  if (p.kind === "licence") {
    rows.push(`<b>${esc(p.licence_no)}</b>`);
    rows.push(`${t("holder")}：${esc(p.holder_name)}`);
    rows.push(`${t("mineral")}：${esc(p.mineral)} · ${esc(tOr(`right.${p.right_type}`, p.right_type ?? ""))}${p.scale ? ` · ${esc(tOr(`scale.${p.scale}`, p.scale))}` : ""}`);
    rows.push(`${t("status")}：${esc(licenceLabel(p.status))}`);
  } else {
    rows.push(`<b>${esc(p.name_zh ?? p.code)}</b>`);
    rows.push(`${t("zoneType")}：${esc(zoneLabel(p.type))}`);
    if (p.code) rows.push(`${t("code")}：${esc(p.code)}`);
  }
  if (p.illustrative) rows.push(`<i>${esc(t("illustrative"))}</i>`);
  return rows.join("<br>");
}

function legend(container, collection) {
  const zoneTypes = new Set();
  const statuses = new Set();
  for (const f of collection.features) {
    if (f.properties.kind === "licence") statuses.add(f.properties.status);
    else zoneTypes.add(f.properties.type);
  }
  const group = (title, entries) => {
    if (!entries.length) return [];
    const heading = document.createElement("h3");
    heading.textContent = title;
    return [heading, ...entries.map(([label, fill]) => {
      const item = document.createElement("span");
      item.className = "item";
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = fill;
      item.append(swatch, label);
      return item;
    })];
  };
  container.replaceChildren(
    ...group(t("legendZones"), ZONE_ORDER.filter((z) => zoneTypes.has(z)).concat([...zoneTypes].filter((z) => !ZONE_COLOURS[z])).map((z) => [zoneLabel(z), ZONE_COLOURS[z] ?? "#d0d7de"])),
    ...group(t("legendLicences"), Object.keys(LICENCE_COLOURS).filter((s) => statuses.has(s)).map((s) => [licenceLabel(s), LICENCE_COLOURS[s]])),
  );
}

/** What the map lacks: "zones" without any zone, "licences" without any licence area. */
export function missingLayers(collection) {
  const kinds = new Set(
    (collection?.features ?? []).filter((f) => f.geometry).map((f) => (f.properties?.kind === "licence" ? "licence" : "zone")),
  );
  return [...(kinds.has("zone") ? [] : ["zones"]), ...(kinds.has("licence") ? [] : ["licences"])];
}

/** Draws the FeatureCollection; the licences over the zones, the region boundary beneath. */
export function renderMap(element, legendElement, summaryElement, collection) {
  if (!window.echarts) return;
  const rank = (f) => (f.properties.kind === "licence" ? 100 : f.properties.type === "administrative_boundary" ? -1 : ZONE_ORDER.indexOf(f.properties.type));
  const drawn = collection.features
    .filter((f) => f.geometry && ["Polygon", "MultiPolygon"].includes(f.geometry.type))
    .map((f, i) => ({ ...f, properties: { ...f.properties, lode_key: keyOf(f.properties, i) } }))
    .sort((a, b) => rank(a) - rank(b));
  features = new Map(drawn.map((f) => [f.properties.lode_key, f.properties]));
  const zones = drawn.filter((f) => f.properties.kind !== "licence").length;
  summaryElement.textContent = drawn.length
    ? t("mapSummary", { zones, licences: drawn.length - zones })
    : t("mapEmpty");
  element.dataset.features = String(drawn.length);
  legend(legendElement, collection);
  if (!drawn.length) {
    // ECharts cannot lay out a map with no region (it has no bounding box): draw nothing,
    // and let the panel's note say what is missing
    chart?.clear();
    return;
  }
  if (!chart) {
    chart = window.echarts.init(element, null, { renderer: "canvas" });
    resizeWith(element, chart);
  }
  window.echarts.registerMap("lode-plan", { type: "FeatureCollection", features: drawn });
  chart.setOption(
    {
      tooltip: {
        trigger: "item",
        formatter: (params) => {
          const p = features.get(params.name);
          return p ? tooltip(p) : "";
        },
      },
      geo: {
        map: "lode-plan",
        nameProperty: "lode_key",
        roam: true,
        aspectScale: 0.78, // cos(40.9° N): degrees of longitude are shorter at Pingquan
        layoutCenter: ["50%", "50%"],
        layoutSize: "95%",
        label: { show: false },
        tooltip: { show: true },
        itemStyle: { borderColor: "#ffffff", borderWidth: 0.6 },
        emphasis: { label: { show: false }, itemStyle: { areaColor: "#f0a202" } },
        select: { disabled: true },
        regions: drawn.map((f) => ({
          name: f.properties.lode_key,
          itemStyle: {
            areaColor: colour(f.properties),
            borderColor: f.properties.kind === "licence" ? "#0b2530" : f.properties.type === "administrative_boundary" ? "#6b7b8c" : "#ffffff",
            borderWidth: f.properties.kind === "licence" ? 1 : 0.8,
            opacity: f.properties.kind === "licence" ? 0.95 : 0.85,
          },
        })),
      },
    },
    { notMerge: true },
  );
}
