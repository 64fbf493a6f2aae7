// What an officer may do to an application, each one route of the licensing API
// (services/licensing/src/lode_licensing/api/applications.py) with the body it takes. Which
// are offered is the application's `allowed_actions` (the workflow's table, in the API).
import { request } from "@/shared/api.js";

import { compact } from "../../components/options.js";

const OFFICER = ["licensing_officer"];

export function applicationActions(application, t) {
  const base = `/licensing/v1/applications/${encodeURIComponent(application.id)}`;
  const allowed = application.allowed_actions || [];
  const post = (path, body, key) => request("POST", `${base}/${path}`, { body, idempotencyKey: key });
  const word = (key) => t(key); // in the page's language: the list is rebuilt when it changes
  return [
    {
      id: "review",
      when: ["review(accept)", "review(reject)"],
      roles: OFFICER,
      type: "primary",
      label: word("do.review"),
      title: word("do.reviewTitle"),
      intro: word("do.reviewIntro"),
      done: word("do.reviewDone"),
      fields: [
        {
          name: "outcome",
          type: "radio",
          label: word("do.outcome"),
          required: true,
          default: allowed.includes("review(accept)") ? "accept" : "reject",
          options: [
            { value: "accept", label: word("do.accept") },
            { value: "reject", label: word("do.reject") },
          ].filter((o) => allowed.includes(`review(${o.value})`)),
        },
        { name: "reason", type: "textarea", label: word("do.reason"), required: true },
      ],
      send: (values, key) => post("review", values, key),
    },
    {
      id: "forward",
      when: ["forward"],
      roles: OFFICER,
      type: "primary",
      label: word("do.forward"),
      title: word("do.forwardTitle"),
      intro: word("do.forwardIntro"),
      done: word("do.forwardDone"),
      fields: [],
      send: (_values, key) => post("forward", {}, key),
    },
    {
      id: "decide",
      when: ["decide_locally(approved)", "decide_locally(rejected)"],
      roles: OFFICER,
      type: "default",
      label: word("do.decide"),
      title: word("do.decideTitle"),
      intro: word("do.decideIntro"),
      done: word("do.decideDone"),
      fields: [
        {
          name: "decision",
          type: "radio",
          label: word("do.decision"),
          required: true,
          default: allowed.includes("decide_locally(approved)") ? "approved" : "rejected",
          options: [
            { value: "approved", label: word("do.approve") },
            { value: "rejected", label: word("do.rejectDecision") },
          ].filter((o) => allowed.includes(`decide_locally(${o.value})`)),
        },
        {
          name: "licence_no",
          type: "text",
          label: word("do.licenceNo"),
          required: true,
          hint: word("do.licenceNoHint"),
          showIf: (v) => v.decision === "approved",
        },
        { name: "valid_from", type: "date", label: word("do.validFrom"), required: true, showIf: (v) => v.decision === "approved" },
        { name: "valid_to", type: "date", label: word("do.validTo"), required: true, showIf: (v) => v.decision === "approved" },
        { name: "reason", type: "textarea", label: word("do.decisionReason") },
      ],
      send: (values, key) => post("decision", compact(values), key),
    },
    {
      id: "withdraw",
      when: ["withdraw"],
      roles: OFFICER,
      type: "danger",
      label: word("do.withdraw"),
      title: word("do.withdrawTitle"),
      intro: word("do.withdrawIntro"),
      done: word("do.withdrawDone"),
      fields: [{ name: "reason", type: "textarea", label: word("do.withdrawReason") }],
      send: (values, key) => post("withdraw", compact(values), key),
    },
  ];
}
