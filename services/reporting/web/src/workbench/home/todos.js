// What the home page counts for an officer: each item is one list of the API, filtered to
// what awaits someone of these roles, counted by its `total` (one request with limit=1),
// and linked to the screen that lists the same items. A screen added later may add its own
// item here (one entry). `alternatives` are tried in order: the first whose parameters the
// route takes (its OpenAPI document) is used, so a filter the API lacks is never sent.
//
//   {id, label (dictionary key), roles, url, alternatives: [query, ...],
//    link: {name, query} or a list of them (the first screen that exists is linked)}

export const TODOS = [
  {
    id: "awaiting-review",
    label: "home.awaitingReview",
    roles: ["licensing_officer"],
    url: "/licensing/v1/applications",
    alternatives: [{ awaiting: "review" }, { status: "checked", verdict: "needs_review" }],
    link: { name: "applications" },
  },
  {
    id: "awaiting-forward",
    label: "home.awaitingForward",
    roles: ["licensing_officer"],
    url: "/licensing/v1/applications",
    // "decision" is what may be decided now (eligible, ineligible or reviewed), which is also
    // every application that may be forwarded: one count for both, not two that overlap
    alternatives: [{ awaiting: "decision" }, { status: "reviewed" }],
    link: { name: "applications" },
  },
  {
    id: "awaiting-decision",
    label: "home.awaitingDecision",
    roles: ["licensing_officer"],
    url: "/licensing/v1/applications",
    alternatives: [{ status: "forwarded" }],
    link: { name: "applications" },
  },
  {
    id: "awaiting-contract",
    label: "home.awaitingContract",
    roles: ["licensing_officer"],
    url: "/licensing/v1/grants",
    alternatives: [{ status: "concluded" }],
    link: { name: "grants", query: { status: "concluded" } },
  },
  {
    id: "open-findings",
    label: "home.openFindings",
    roles: ["inspector"],
    url: "/monitoring/v1/findings",
    alternatives: [{ status: "open" }],
    link: { name: "findings" },
  },
  {
    id: "overdue-orders",
    label: "home.overdueOrders",
    roles: ["inspector", "licensing_officer"],
    url: "/monitoring/v1/rectifications",
    alternatives: [{ status: "overdue" }],
    link: [
      { name: "rectifications", query: { status: "overdue" } },
      { name: "enforcement", query: { kind: "order" } },
    ],
  },
  {
    id: "awaiting-verification",
    label: "home.awaitingVerification",
    roles: ["inspector"],
    url: "/monitoring/v1/rectifications",
    alternatives: [{ status: "ordered" }],
    link: { name: "rectifications", query: { status: "ordered" } },
  },
  {
    id: "enforcement",
    label: "home.enforcement",
    roles: ["licensing_officer", "inspector"],
    url: "/licensing/v1/enforcement",
    alternatives: [{ status: "open" }],
    link: { name: "enforcement" },
  },
];
