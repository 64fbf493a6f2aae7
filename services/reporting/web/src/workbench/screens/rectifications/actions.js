// What an inspector may do to a rectification order: verify it (整改核查,
// POST /monitoring/v1/rectifications/{id}/verify), offered while the order's
// `allowed_actions` has "verify". The API refuses the inspector who issued the order (403:
// separation of duties); the form then says another inspector verifies it.
import { ApiProblem, request } from "@/shared/api.js";

import { compact } from "../../components/options.js";

export function orderActions(order, t) {
  return [
    {
      id: "verify",
      when: ["verify"],
      roles: ["inspector"],
      type: "primary",
      label: t("verify"),
      title: t("verifyTitle"),
      intro: t("verifyIntro"),
      done: t("verified"),
      fields: [
        {
          name: "outcome",
          type: "radio",
          label: t("field.outcome"),
          required: true,
          default: "done",
          options: [
            { value: "done", label: t("status.verification.done") },
            { value: "not_done", label: t("status.verification.not_done") },
          ],
        },
        { name: "note", type: "textarea", label: t("field.note"), required: true },
        { name: "verified_on", type: "date", label: t("field.verified_on"), hint: t("field.verifiedOnHint") },
      ],
      advice: (problem) => (problem instanceof ApiProblem && problem.status === 403 ? t("verifySelf") : ""),
      send: (values, key) =>
        request("POST", `/monitoring/v1/rectifications/${encodeURIComponent(order.id)}/verify`, {
          body: compact(values),
          idempotencyKey: key,
        }),
    },
  ];
}
