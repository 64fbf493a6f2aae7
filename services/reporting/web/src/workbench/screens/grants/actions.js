// What a licensing officer may do about a grant, each one route of the licensing API
// (services/licensing/src/lode_licensing/api/grants.py, bodies in grant_bodies.py) with the
// body it takes. Which are offered is the grant's `allowed_actions` (the workflow's table, in
// the API); what each needs (working days, prices, instalments summing to the price) is the
// API's to check, and its 422 names the field.
import { request } from "@/shared/api.js";
import { formatNumber, todayCst } from "@/shared/format.js";

import { compact } from "../../components/options.js";

const OFFICER = ["licensing_officer"];
const GRANTS = "/licensing/v1/grants";
const RISING = ["auction", "listing"]; // the methods whose offers rise (grant_law.RISING_METHODS)

/** A number field's text as the JSON number the API reads (it refuses numbers as text);
 * anything else as typed, for the API to name, and nothing for an empty field. */
export function number(value) {
  if (value === undefined || value === null || String(value).trim() === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : value;
}

/** A pasted GeoJSON geometry as the object the API reads; text that is not JSON is sent
 * as it is, for the API to refuse naming `area.geometry`. */
function geometry(text) {
  if (!text || !String(text).trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A day and a time of day in China Standard Time as the moment the API reads
 * (RFC 3339 with its offset, e.g. 2025-02-25T10:00:00+08:00). */
function moment(day, time) {
  if (!day) return undefined;
  const clock = String(time || "").trim() || "00:00";
  return `${day}T${/^\d{1,2}:\d{2}$/.test(clock) ? `${clock.padStart(5, "0")}:00` : clock}+08:00`;
}

/** The form that draws up a grant plan (POST /licensing/v1/grants). `years`: the plan's
 * years a grant may belong to (its period and the year after), latest first. */
export function createAction(t, years, year) {
  const choice = (prefix, values) => values.map((value) => ({ value, label: t(`${prefix}.${value}`) }));
  const mining = (v) => v.right_type === "mining";
  return {
    id: "create",
    roles: OFFICER,
    type: "primary",
    label: t("do.create"),
    intro: t("do.createIntro"),
    done: t("do.createDone"),
    fields: [
      { name: "year", type: "select", label: t("do.year"), required: true, default: year, hint: t("do.yearHint"), options: years.map((y) => ({ value: y, label: String(y) })) },
      { name: "right_type", type: "radio", label: t("do.rightType"), required: true, default: "mining", options: choice("right", ["mining", "exploration"]) },
      { name: "method", type: "radio", label: t("do.method"), required: true, default: "listing", options: choice("grantMethod", ["listing", "auction", "tender"]) },
      { name: "mineral", type: "text", label: t("do.mineral"), required: true, hint: t("do.mineralHint") },
      {
        name: "area_as",
        type: "radio",
        label: t("do.areaAs"),
        default: "geometry",
        options: [
          { value: "geometry", label: t("do.areaGeometry") },
          { value: "corners", label: t("do.areaCorners") },
        ],
      },
      { name: "area.geometry", type: "textarea", label: t("do.geometry"), required: true, hint: t("do.geometryHint"), showIf: (v) => v.area_as !== "corners" },
      { name: "area.corners", type: "textarea", label: t("do.corners"), required: true, hint: t("do.cornersHint"), showIf: (v) => v.area_as === "corners" },
      { name: "area.crs", type: "text", label: t("do.crs"), required: true, hint: t("do.crsHint"), default: "EPSG:4528", showIf: (v) => v.area_as === "corners" },
      {
        name: "mining_method",
        type: "select",
        label: t("do.miningMethod"),
        hint: t("do.miningMethodHint"),
        showIf: mining,
        options: [
          { value: "", label: t("do.noMiningMethod") },
          ...choice("method", ["underground", "open_pit", "open_pit_underground"]),
        ],
      },
      { name: "capacity.value", type: "number", label: t("do.capacityValue"), required: true, showIf: mining },
      {
        name: "capacity.unit",
        type: "select",
        label: t("do.capacityUnit"),
        required: true,
        default: "万吨/年",
        showIf: mining,
        options: ["万吨/年", "万立方米/年", "t/d"].map((u) => ({ value: u, label: u })),
      },
      { name: "reserves_10kt", type: "number", label: t("do.reserves") },
      { name: "term_years", type: "number", label: t("do.term"), required: true, hint: t("do.termHint") },
      { name: "starting_price_cny_10k", type: "number", label: t("do.startingPrice"), required: true },
      { name: "reserve_price_cny_10k", type: "number", label: t("do.reservePrice"), required: true, hint: t("do.reservePriceHint") },
      { name: "clean_grant", type: "switch", label: t("do.cleanGrant"), default: true },
    ],
    send: (v, key) => {
      const area =
        v.area_as === "corners"
          ? compact({ corners: v["area.corners"], crs: v["area.crs"] })
          : compact({ geometry: geometry(v["area.geometry"]) });
      const capacity = mining(v) ? compact({ value: number(v["capacity.value"]), unit: v["capacity.unit"] }) : {};
      const body = compact({
        year: number(v.year),
        right_type: v.right_type,
        mineral: v.mineral,
        method: v.method,
        area,
        mining_method: mining(v) ? v.mining_method : undefined,
        capacity: Object.keys(capacity).length ? capacity : undefined,
        reserves_10kt: number(v.reserves_10kt),
        term_years: number(v.term_years),
        starting_price_cny_10k: number(v.starting_price_cny_10k),
        reserve_price_cny_10k: number(v.reserve_price_cny_10k),
        clean_grant: Boolean(v.clean_grant),
      });
      return request("POST", GRANTS, { body, idempotencyKey: key });
    },
  };
}

/** The actions on one grant, each offered when its `allowed_actions` has it. */
export function grantActions(grant, t) {
  const base = `${GRANTS}/${encodeURIComponent(grant.id)}`;
  const post = (path, body, key) => request("POST", `${base}/${path}`, { body, idempotencyKey: key });
  const money = (value) => formatNumber(value, "cny10k");
  const window = { from: grant.trade_from || "—", to: grant.trade_to || "—", starting: money(grant.starting_price_cny_10k) };
  const again = grant.status === "failed";
  return [
    {
      id: "announce",
      when: ["announce"],
      roles: OFFICER,
      type: "primary",
      label: again ? t("do.announceAgain") : t("do.announce"),
      title: again ? t("do.announceAgain") : t("do.announceTitle"),
      intro: t("do.announceIntro"),
      done: t("do.announceDone"),
      fields: [
        { name: "announced_on", type: "date", label: t("do.announcedOn"), required: true },
        { name: "trade_from", type: "date", label: t("do.tradeFrom"), required: true },
        { name: "trade_to", type: "date", label: t("do.tradeTo"), required: true },
        { name: "review_note", type: "textarea", label: t("do.reviewNote"), hint: t("do.reviewNoteHint") },
      ],
      send: (v, key) => post("announce", compact(v), key),
    },
    {
      id: "bid",
      when: ["bid"],
      roles: OFFICER,
      type: "default",
      label: t("do.bid"),
      title: t("do.bidTitle"),
      intro: t(RISING.includes(grant.method) ? "do.bidIntroRising" : "do.bidIntro", window),
      done: t("do.bidDone"),
      fields: [
        { name: "bidder.name", type: "text", label: t("do.bidderName"), required: true },
        { name: "bidder.credit_code", type: "text", label: t("do.bidderCode"), required: true },
        { name: "amount_cny_10k", type: "number", label: t("do.amount"), required: true },
        { name: "at", type: "date", label: t("do.atDate"), required: true, default: grant.trade_from || "" },
        { name: "at_time", type: "text", label: t("do.atTime"), required: true, default: "10:00", hint: t("do.atTimeHint") },
      ],
      send: (v, key) =>
        post(
          "bids",
          compact({
            bidder: { name: v["bidder.name"], credit_code: v["bidder.credit_code"] },
            amount_cny_10k: number(v.amount_cny_10k),
            at: moment(v.at, v.at_time),
          }),
          key,
        ),
    },
    {
      id: "conclude",
      when: ["conclude"],
      roles: OFFICER,
      type: "primary",
      label: t("do.conclude"),
      title: t("do.concludeTitle"),
      intro: t("do.concludeIntro"),
      done: t("do.concludeDone"),
      fields: [{ name: "concluded_on", type: "date", label: t("do.concludedOn"), hint: t("do.concludedOnHint"), default: todayCst }],
      send: (v, key) => post("conclude", compact(v), key),
    },
    {
      id: "contract",
      when: ["contract"],
      roles: OFFICER,
      type: "primary",
      label: t("do.contract"),
      title: t("do.contractTitle"),
      intro: t("do.contractIntro", { price: money(grant.price_cny_10k), until: grant.publicity_until || "—" }),
      done: t("do.contractDone"),
      fields: [
        { name: "signed_on", type: "date", label: t("do.signedOn"), required: true, default: grant.publicity_until || "" },
        { name: "contract_ref", type: "text", label: t("do.contractRef"), hint: t("do.contractRefHint") },
        {
          name: "instalments",
          type: "rows",
          label: t("do.instalments"),
          required: true,
          default: () => [{ due: "", amount_cny_10k: "" }],
          columns: [
            { name: "due", type: "date", label: t("do.due") },
            { name: "amount_cny_10k", type: "number", label: t("do.instalmentAmount") },
          ],
        },
      ],
      send: (v, key) =>
        post(
          "contract",
          compact({
            signed_on: v.signed_on,
            contract_ref: v.contract_ref,
            instalments: (v.instalments || []).map((row) => compact({ due: row.due, amount_cny_10k: number(row.amount_cny_10k) })),
          }),
          key,
        ),
    },
    {
      id: "cancel",
      when: ["cancel"],
      roles: OFFICER,
      type: "danger",
      label: t("do.cancel"),
      title: t("do.cancelTitle"),
      intro: t("do.cancelIntro"),
      done: t("do.cancelDone"),
      fields: [{ name: "reason", type: "textarea", label: t("do.reason"), required: true }],
      send: (v, key) => post("cancel", compact(v), key),
    },
  ];
}
