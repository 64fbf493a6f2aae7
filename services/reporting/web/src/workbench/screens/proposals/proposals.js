// What the plan adjustment screens share: the routes of a proposal
// (/zoning/v1/plans/{plan}/proposals/{id}/…), its moves as ActionBar actions with the body
// each route takes (api/proposals.py), what a refusal means (403 by rule or by role), and the
// zone features riding along as shapes for a map.
import { request } from "@/shared/api.js";
import { todayCst } from "@/shared/format.js";

import { compact } from "../../components/options.js";
import { typeColour } from "../zones/zoning.js";

export const GROUNDS = ["major_discovery", "conditions_changed", "major_project"];

export function proposalUrl(planId, proposalId = "") {
  const base = `/zoning/v1/plans/${encodeURIComponent(planId)}/proposals`;
  return proposalId ? `${base}/${encodeURIComponent(proposalId)}` : base;
}

/** What to do about a refused move: a 403 naming a rule (separation of duties, the
 * proposer only) says the rule, a 403 without one the role needed; "" otherwise (the
 * status's general advice). */
export function refusalAdvice(problem, t, role) {
  if (problem?.status !== 403) return "";
  const rule = problem.body?.rule;
  if (rule === "separation_of_duties") return t("p.advice.separation");
  if (rule === "proposer_only") return t("p.advice.proposerOnly");
  return t("p.advice.role", { role: t(`role.${role}`) });
}

/** The moves of a proposal, each one route (submit, withdraw: a planner; approve, reject:
 * an approver), offered when the proposal's `allowed_actions` names it. */
export function proposalActions(proposal, t) {
  const url = proposalUrl(proposal.plan_id, proposal.id);
  const post = (action, body, key) => request("POST", `${url}/${action}`, { body, idempotencyKey: key });
  const move = (id, role, type, fields, body) => ({
    id,
    when: [id],
    roles: [role],
    type,
    label: t(`p.do.${id}`),
    title: t(`p.do.${id}Title`),
    intro: t(`p.do.${id}Intro`),
    done: t(`p.do.${id}Done`),
    fields,
    send: (values, key) => post(id, body(values), key),
    advice: (problem) => refusalAdvice(problem, t, role),
  });
  const note = { name: "note", type: "textarea", label: t("p.do.note") };
  return [
    move("submit", "planner", "primary", [note], (v) => compact(v)),
    move(
      "approve",
      "approver",
      "success",
      [
        { name: "approval_ref", type: "text", label: t("p.do.approvalRef"), hint: t("p.do.approvalRefHint"), required: true },
        { name: "approved_on", type: "date", label: t("p.do.approvedOn"), required: true, default: todayCst },
      ],
      (v) => v,
    ),
    move("reject", "approver", "danger", [{ name: "reason", type: "textarea", label: t("p.do.rejectReason"), required: true }], (v) => v),
    move("withdraw", "planner", "warning", [note], (v) => compact(v)),
  ];
}

/** What a zone feature of a proposal does: "retire", "change" (it names a zone) or "new". */
export function featureKind(feature) {
  const p = feature?.properties || {};
  if (p.id && p.retire === true) return "retire";
  return p.id ? "change" : "new";
}

export const KIND_COLOURS = { new: "#2f6a1f", change: "#c2410c", retire: "#b42318" };

/** A proposal's zone features as map shapes: each with its own area when it gives one in
 * lon/lat, else the current area of the zone it names (`current`: zone id → Feature). */
export function featureShapes(features, current = {}) {
  return (features || [])
    .map((f, i) => {
      const kind = featureKind(f);
      const zone = current[f.properties?.id];
      const geometry = f.geometry && !f.crs ? f.geometry : zone?.geometry;
      if (!geometry) return null;
      const code = f.properties?.code || zone?.properties?.code || `#${i + 1}`;
      return {
        name: code,
        tooltip: `${code} ${f.properties?.name_zh || zone?.properties?.name_zh || ""}`,
        geometry,
        colour: KIND_COLOURS[kind],
        dashed: kind === "retire" || (!f.geometry && kind === "change"),
        kind,
        type: f.properties?.type || zone?.properties?.type,
        typeColour: typeColour(f.properties?.type || zone?.properties?.type),
      };
    })
    .filter(Boolean);
}
