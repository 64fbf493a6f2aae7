// The compliance list: mines with open findings, grouped by kind, with counts and why.

import { t, tOr } from "./i18n.js";

/**
 * The groups of GET /reporting/v1/compliance (``kinds``: code, open_findings, licence_nos;
 * ``mines``: licence, holder, open findings) as [{code, count, findings: [{licence_no,
 * holder_name, mineral, severity, message, standard, year}]}], in the API's order.
 */
export function complianceGroups(body) {
  const mines = new Map((body.mines ?? []).map((mine) => [mine.licence_no, mine]));
  return (body.kinds ?? []).map((kind) => ({
    code: kind.code,
    count: kind.open_findings,
    findings: kind.licence_nos.flatMap((licenceNo) => {
      const mine = mines.get(licenceNo) ?? { licence_no: licenceNo, open_findings: [] };
      return mine.open_findings
        .filter((f) => f.code === kind.code)
        .map((f) => ({ ...f, licence_no: licenceNo, holder_name: mine.holder_name, mineral: mine.mineral }));
    }),
  }));
}

export function renderCompliance(container, summary, body, year) {
  const groups = complianceGroups(body);
  const mines = (body.mines ?? []).length;
  const total = groups.reduce((sum, g) => sum + g.count, 0);
  summary.textContent = total
    ? t("complianceSummary", { year, mines, findings: total })
    : t("complianceNone", { year });
  summary.dataset.mines = String(mines);
  summary.dataset.findings = String(total);
  container.replaceChildren(
    ...groups.map((group) => {
      const section = document.createElement("section");
      section.className = "kind";
      section.dataset.code = group.code;
      const heading = document.createElement("h3");
      const label = document.createElement("span");
      label.textContent = tOr(`finding.${group.code}`, group.code);
      label.title = group.code;
      const count = document.createElement("span");
      count.className = "count";
      count.dataset.count = String(group.count);
      count.textContent = t("findingsCount", { count: group.count });
      heading.append(label, count);
      const list = document.createElement("ul");
      for (const f of group.findings) {
        const li = document.createElement("li");
        li.dataset.licence = f.licence_no;
        li.dataset.findingId = f.finding_id ?? "";
        const mine = document.createElement("span");
        mine.className = "mine";
        mine.textContent = [f.licence_no, f.holder_name, f.mineral].filter(Boolean).join(" · ");
        const severity = document.createElement("span");
        severity.className = "severity";
        severity.dataset.severity = f.severity ?? "";
        severity.textContent = f.severity ? tOr(`severity.${f.severity}`, f.severity) : "";
        const why = document.createElement("span");
        why.className = "why";
        why.textContent = f.message ?? "";
        why.title = f.standard ?? "";
        li.append(mine, severity, why);
        list.append(li);
      }
      section.append(heading, list);
      return section;
    }),
  );
}
