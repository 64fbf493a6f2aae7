// What an officer may do to a licence, each one route of the licensing API
// (api/licences.py: suspend, resume, revoke; api/closure.py: closure-report,
// restoration-acceptance; PUT green-mine) with the body it takes. The API decides whether
// the licence's status allows it (409 with the actions possible).
import { request } from "@/shared/api.js";
import { todayCst } from "@/shared/format.js";

import { compact } from "../../components/options.js";

const OFFICER = ["licensing_officer"];

export function licenceActions(licence, t, { orderId = "" } = {}) {
  const base = `/licensing/v1/licences/${encodeURIComponent(licence.licence_no)}`;
  const post = (path, body, key) => request("POST", `${base}/${path}`, { body, idempotencyKey: key });
  const reason = { name: "reason", type: "textarea", label: t("do.reason"), required: true };
  const order = { name: "order_id", type: "text", label: t("do.orderId"), hint: t("do.orderIdHint"), default: orderId };
  const note = { name: "note", type: "textarea", label: t("do.note") };
  const reference = { name: "reference", type: "text", label: t("do.reference"), hint: t("do.referenceHint"), required: true };
  const status = (id, type, fields) => ({
    id,
    when: [id],
    roles: OFFICER,
    type,
    label: t(`do.${id}`),
    title: t(`do.${id}Title`),
    intro: t(`do.${id}Intro`),
    done: t(`do.done.${id}`),
    fields,
    send: (values, key) => post(id, compact(values), key),
  });
  return [
    status("suspend", "warning", [reason, order]),
    status("resume", "default", [reason]),
    status("revoke", "danger", [reason, order]),
    {
      id: "closure-report",
      roles: OFFICER,
      label: t("do.closureReport"),
      intro: t("do.closureReportIntro"),
      done: t("do.done.closure"),
      fields: [{ name: "received_on", type: "date", label: t("do.receivedOn"), required: true, default: todayCst }, reference, note],
      send: (values, key) => post("closure-report", compact(values), key),
    },
    {
      id: "restoration-acceptance",
      roles: OFFICER,
      label: t("do.restorationAcceptance"),
      intro: t("do.restorationAcceptanceIntro"),
      done: t("do.done.restoration"),
      fields: [{ name: "accepted_on", type: "date", label: t("do.acceptedOn"), required: true, default: todayCst }, reference, note],
      send: (values, key) => post("restoration-acceptance", compact(values), key),
    },
    {
      id: "green-mine",
      roles: OFFICER,
      label: t("do.greenMine"),
      intro: t("do.greenMineIntro"),
      done: t("do.done.green"),
      fields: [
        { name: "green_mine", type: "switch", label: t("do.listed"), default: !licence.green_mine },
        { name: "list_ref", type: "text", label: t("do.listRef"), hint: t("do.listRefHint"), required: true },
        note,
      ],
      send: (values, key) =>
        request("PUT", `${base}/green-mine`, { body: compact(values), idempotencyKey: key }),
    },
  ];
}
