// Every string of the dashboard, in Chinese (the default) and English, and the one place
// that applies them to the page. The chosen language is kept in localStorage.

const STRINGS = {
  zh: {
    skip: "跳到指标",
    subtitle: "规划实施监测看板",
    asOf: "数据截至 {time}",
    year: "年度",
    signOut: "退出",
    indicatorsTitle: "主要规划指标",
    indicatorsHint: "点击数值查看其来源事件；进度条为自2020年基期至规划目标的完成程度。",
    mapTitle: "规划分区与矿业权",
    mapNote: "坐标系 CGCS2000（EPSG:4490）；标注“示意”的为示意数据。",
    mapSummary: "地图显示 {zones} 个规划分区、{licences} 个矿业权范围。",
    mapEmpty: "暂无空间数据。",
    "missing.zones": "尚未导入规划分区：请以规划编制人员（planner）令牌通过 POST /zoning/v1/zones/import 导入分区（GeoJSON FeatureCollection 或 Shapefile 压缩包），接口说明见 /zoning/docs。",
    "missing.licences": "尚无矿业权：矿业权审批服务（/licensing/v1）批准申请、发放许可证后，其范围将显示在地图上。",
    "missing.reports": "尚无{year}年度的矿山报告：矿山通过 POST /monitoring/v1/reports 报送{year}年开发利用年报后，指标实际值将在此显示；目标与基期已列出。",
    "missing.plan": "规划“{plan}”尚未到达报告服务：规划分区服务（/zoning/v1/plans）发布规划后将自动显示，无需刷新；若长时间未显示，请检查规划分区服务是否运行。",
    drawFailed: "“{panel}”无法显示：{detail}",
    legendZones: "规划分区（按类型）",
    legendLicences: "矿业权范围（按状态）",
    feedTitle: "实时事件",
    feedEmpty: "等待新事件……",
    trendsTitle: "指标年度趋势",
    trendsHint: "2020年为基期，2021–2025年为实际值，虚线为规划目标。",
    trendsEmpty: "暂无可绘制的定量指标。",
    complianceTitle: "合规情况",
    complianceSummary: "{year}年：{mines} 个矿山存在 {findings} 项未整改问题",
    complianceNone: "{year}年没有未整改的问题。",
    footer: "矿产资源总体规划信息系统",
    "service.zoning": "规划分区",
    "service.licensing": "矿业权审批",
    "service.monitoring": "开发利用监管",
    "service.reporting": "规划实施报告",
    signInTitle: "登录看板",
    tokenLabel: "访问令牌（Bearer token）",
    tokenHint: "管理员令牌由 lode up 启动时打印；查看令牌可用 lode token --role viewer --user 姓名 生成。令牌只保存在本标签页（sessionStorage）。",
    signIn: "登录",
    close: "关闭",
    needToken: "请粘贴访问令牌以查看看板数据。",
    badToken: "令牌无效或已过期（401），请重新粘贴一个有效的令牌。",
    forbidden: "该令牌无权查看看板数据（403），请使用工作人员令牌（如 viewer 角色）。",
    loadFailed: "加载失败：{detail}",
    target: "目标",
    baseline: "2020年基期",
    actual: "实际值",
    noActual: "—",
    progress: "目标完成进度 {pct}%",
    clause: "依据：{clause}",
    sourcesTitle: "{name}：{year}年数据来源",
    sourcesSummary: "共 {count} 个事件构成该数值。",
    sourcesNone: "该年度没有事件构成该数值。",
    sourcesOpen: "查看“{name}”的来源事件",
    colTime: "时间",
    colEvent: "事件",
    colLicence: "许可证号",
    colValue: "贡献值",
    colId: "事件编号",
    "status.met": "已达标",
    "status.on_track": "进展正常",
    "status.at_risk": "存在风险",
    "status.not_met": "未达标",
    "status.no_data": "暂无数据",
    "conn.idle": "未连接",
    "conn.connecting": "正在连接……",
    "conn.open": "实时连接正常",
    "conn.reconnecting": "连接中断，{seconds} 秒后重连",
    "conn.unauthorized": "需要重新登录",
    "conn.failed": "实时连接不可用：{detail}",
    mines: "{count} 个矿山",
    findingsCount: "{count} 项",
    illustrative: "示意",
    holder: "矿业权人",
    mineral: "矿种",
    status: "状态",
    scale: "规模",
    licenceNo: "许可证号",
    zoneType: "分区类型",
    code: "编号",
    "right.mining": "采矿权",
    "right.exploration": "探矿权",
    "scale.large": "大型",
    "scale.medium": "中型",
    "scale.small": "小型",
    "licence.active": "有效",
    "licence.suspended": "暂扣/停产整顿",
    "licence.expired": "到期失效",
    "licence.revoked": "吊销",
    "licence.cancelled": "注销",
    "zone.energy_resource_base": "能源资源基地",
    "zone.national_planning_mining_area": "国家规划矿区",
    "zone.key_exploration_area": "重点勘查区",
    "zone.key_mining_area": "重点开采区",
    "zone.sand_gravel_area": "砂石土类矿产集中开采区",
    "zone.exploration_block": "勘查规划区块",
    "zone.mining_block": "开采规划区块",
    "zone.key_development_region": "矿产资源产业重点发展区域",
    "zone.forbidden_mining_area": "禁采区",
    "zone.restricted_mining_area": "限采区",
    "zone.ecological_red_line": "生态保护红线",
    "zone.administrative_boundary": "行政区界",
    "event.lode.zoning.plan.published.v1": "规划发布",
    "event.lode.zoning.zone.created.v1": "分区新建",
    "event.lode.zoning.zone.changed.v1": "分区变更",
    "event.lode.zoning.zone.retired.v1": "分区废止",
    "event.lode.zoning.block.holder_assigned.v1": "规划区块确定矿业权人",
    "event.lode.zoning.block.holder_released.v1": "规划区块释放",
    "event.lode.licensing.application.submitted.v1": "申请受理",
    "event.lode.licensing.application.checked.v1": "规划审查",
    "event.lode.licensing.application.forwarded.v1": "报送省级审批",
    "event.lode.licensing.application.decided.v1": "审批决定",
    "event.lode.licensing.licence.issued.v1": "颁发许可证",
    "event.lode.licensing.licence.renewed.v1": "许可证延续",
    "event.lode.licensing.licence.changed.v1": "许可证变更",
    "event.lode.licensing.licence.transferred.v1": "矿业权转让",
    "event.lode.licensing.licence.suspended.v1": "暂扣/停产整顿",
    "event.lode.licensing.licence.revoked.v1": "吊销许可证",
    "event.lode.licensing.licence.expired.v1": "许可证到期失效",
    "event.lode.licensing.licence.cancelled.v1": "许可证注销",
    "event.lode.monitoring.output.reported.v1": "开发利用年报",
    "event.lode.monitoring.output.corrected.v1": "年报更正",
    "event.lode.monitoring.exploration.result_reported.v1": "新增资源量",
    "event.lode.monitoring.project.progress_reported.v1": "规划项目进展",
    "event.lode.monitoring.finding.opened.v1": "发现问题",
    "event.lode.monitoring.finding.closed.v1": "问题整改完成",
    "finding.three_rates_below_standard": "“三率”低于国家标准",
    "finding.over_capacity": "超出核定生产规模",
    "finding.capacity_not_comparable": "产量与生产规模无法比较",
    "finding.production_while_inactive": "许可证失效期间生产",
    "finding.prohibited_mineral_mined": "开采禁止开采矿种",
    "finding.restoration_behind_plan": "复垦进度落后于方案",
    "finding.mineral_not_in_catalogue": "矿种不在目录中",
    "finding.annual_report_missing": "未按期提交年报",
    "severity.violation": "违规",
    "severity.warning": "警示",
    "severity.info": "提示",
  },
  en: {
    skip: "Skip to the indicators",
    subtitle: "Plan implementation dashboard",
    asOf: "Data as of {time}",
    year: "Year",
    signOut: "Sign out",
    indicatorsTitle: "Main plan indicators",
    indicatorsHint: "Click a figure to see the events behind it; the bar shows progress from the 2020 baseline to the target.",
    mapTitle: "Zones and mineral rights",
    mapNote: "CGCS2000 (EPSG:4490); features marked “illustrative” are demo data.",
    mapSummary: "The map shows {zones} zones and {licences} licence areas.",
    mapEmpty: "No spatial data yet.",
    "missing.zones": "No zones yet: import the zones with a planner's token through POST /zoning/v1/zones/import (a GeoJSON FeatureCollection or a zipped Shapefile); see /zoning/docs.",
    "missing.licences": "No licences yet: licence areas appear here once licensing (/licensing/v1) approves applications and issues licences.",
    "missing.reports": "No reports yet for {year}: the indicators' figures appear once mines send their {year} annual reports through POST /monitoring/v1/reports; the targets and baselines are listed.",
    "missing.plan": "The plan “{plan}” has not reached reporting yet: it is shown as soon as zoning (/zoning/v1/plans) publishes it, without a reload; if it does not come, check that zoning is running.",
    drawFailed: "The panel “{panel}” cannot be shown: {detail}",
    legendZones: "Zones (by type)",
    legendLicences: "Licence areas (by status)",
    feedTitle: "Live events",
    feedEmpty: "Waiting for new events…",
    trendsTitle: "Indicators by year",
    trendsHint: "2020 is the baseline, 2021–2025 the actuals; the dashed line is the target.",
    trendsEmpty: "No quantitative indicator to chart yet.",
    complianceTitle: "Compliance",
    complianceSummary: "{year}: {findings} open findings at {mines} mines",
    complianceNone: "No open findings for {year}.",
    footer: "Mineral resources master plan information system",
    "service.zoning": "Zoning",
    "service.licensing": "Licensing",
    "service.monitoring": "Monitoring",
    "service.reporting": "Reporting",
    signInTitle: "Sign in to the dashboard",
    tokenLabel: "Access token (Bearer token)",
    tokenHint: "lode up prints the admin token when it starts; lode token --role viewer --user NAME mints a viewer token. The token is kept in this tab only (sessionStorage).",
    signIn: "Sign in",
    close: "Close",
    needToken: "Paste an access token to see the dashboard's data.",
    badToken: "The token is invalid or has expired (401): paste a valid one.",
    forbidden: "This token may not read the dashboard (403): use a staff token (e.g. the viewer role).",
    loadFailed: "Could not load: {detail}",
    target: "Target",
    baseline: "2020 baseline",
    actual: "Actual",
    noActual: "—",
    progress: "{pct}% of the way to the target",
    clause: "Clause: {clause}",
    sourcesTitle: "{name}: sources for {year}",
    sourcesSummary: "{count} events make up this figure.",
    sourcesNone: "No event makes up this figure for the year.",
    sourcesOpen: "Show the events behind “{name}”",
    colTime: "Time",
    colEvent: "Event",
    colLicence: "Licence no.",
    colValue: "Contribution",
    colId: "Event id",
    "status.met": "Met",
    "status.on_track": "On track",
    "status.at_risk": "At risk",
    "status.not_met": "Not met",
    "status.no_data": "No data",
    "conn.idle": "Not connected",
    "conn.connecting": "Connecting…",
    "conn.open": "Live",
    "conn.reconnecting": "Disconnected; retrying in {seconds} s",
    "conn.unauthorized": "Sign in again",
    "conn.failed": "Live feed unavailable: {detail}",
    mines: "{count} mines",
    findingsCount: "{count}",
    illustrative: "illustrative",
    holder: "Holder",
    mineral: "Mineral",
    status: "Status",
    scale: "Scale",
    licenceNo: "Licence no.",
    zoneType: "Zone type",
    code: "Code",
    "right.mining": "Mining right",
    "right.exploration": "Exploration right",
    "scale.large": "large",
    "scale.medium": "medium",
    "scale.small": "small",
    "licence.active": "Active",
    "licence.suspended": "Suspended",
    "licence.expired": "Expired",
    "licence.revoked": "Revoked",
    "licence.cancelled": "Cancelled",
    "zone.energy_resource_base": "Energy resource base",
    "zone.national_planning_mining_area": "National planning mining area",
    "zone.key_exploration_area": "Key exploration area",
    "zone.key_mining_area": "Key mining area",
    "zone.sand_gravel_area": "Sand and gravel mining area",
    "zone.exploration_block": "Exploration planning block",
    "zone.mining_block": "Mining planning block",
    "zone.key_development_region": "Key development region",
    "zone.forbidden_mining_area": "No-mining area",
    "zone.restricted_mining_area": "Restricted mining area",
    "zone.ecological_red_line": "Ecological red line",
    "zone.administrative_boundary": "Administrative boundary",
    "event.lode.zoning.plan.published.v1": "Plan published",
    "event.lode.zoning.zone.created.v1": "Zone created",
    "event.lode.zoning.zone.changed.v1": "Zone changed",
    "event.lode.zoning.zone.retired.v1": "Zone retired",
    "event.lode.zoning.block.holder_assigned.v1": "Block holder assigned",
    "event.lode.zoning.block.holder_released.v1": "Block released",
    "event.lode.licensing.application.submitted.v1": "Application submitted",
    "event.lode.licensing.application.checked.v1": "Plan checks run",
    "event.lode.licensing.application.forwarded.v1": "Sent to the province",
    "event.lode.licensing.application.decided.v1": "Application decided",
    "event.lode.licensing.licence.issued.v1": "Licence issued",
    "event.lode.licensing.licence.renewed.v1": "Licence renewed",
    "event.lode.licensing.licence.changed.v1": "Licence changed",
    "event.lode.licensing.licence.transferred.v1": "Licence transferred",
    "event.lode.licensing.licence.suspended.v1": "Licence suspended",
    "event.lode.licensing.licence.revoked.v1": "Licence revoked",
    "event.lode.licensing.licence.expired.v1": "Licence expired",
    "event.lode.licensing.licence.cancelled.v1": "Licence cancelled",
    "event.lode.monitoring.output.reported.v1": "Annual report",
    "event.lode.monitoring.output.corrected.v1": "Report corrected",
    "event.lode.monitoring.exploration.result_reported.v1": "New resources proven",
    "event.lode.monitoring.project.progress_reported.v1": "Project progress",
    "event.lode.monitoring.finding.opened.v1": "Finding opened",
    "event.lode.monitoring.finding.closed.v1": "Finding closed",
    "finding.three_rates_below_standard": "Three rates below the national standard",
    "finding.over_capacity": "Above the licensed capacity",
    "finding.capacity_not_comparable": "Output not comparable with the capacity",
    "finding.production_while_inactive": "Production while the licence was inactive",
    "finding.prohibited_mineral_mined": "A prohibited mineral mined",
    "finding.restoration_behind_plan": "Restoration behind its plan",
    "finding.mineral_not_in_catalogue": "Mineral not in the catalogue",
    "finding.annual_report_missing": "Annual report missing",
    "severity.violation": "violation",
    "severity.warning": "warning",
    "severity.info": "info",
  },
};

const KEY = "lode.dashboard.lang";
let current = localStorage.getItem(KEY) === "en" ? "en" : "zh";
const listeners = [];

export const lang = () => current;
export const locale = () => (current === "zh" ? "zh-CN" : "en-GB");

/** The string `key` in the current language, with `{name}` placeholders filled in. */
export function t(key, vars = {}) {
  const text = STRINGS[current][key] ?? STRINGS.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** The string `key` in Chinese, then in English (for what a panel lacks and what to do:
 * whoever reads either language learns it, whichever language the page is in). */
export function both(key, vars = {}) {
  const fill = (text) => text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
  return { zh: fill(STRINGS.zh[key] ?? key), en: fill(STRINGS.en[key] ?? STRINGS.zh[key] ?? key) };
}

/** The string `key` if the dictionary has it, else `fallback` (e.g. an unknown event type). */
export function tOr(key, fallback) {
  return key in STRINGS[current] || key in STRINGS.zh ? t(key) : fallback;
}

/** Fills every `[data-i18n]` element of `root`. */
export function applyStrings(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  document.documentElement.lang = current === "zh" ? "zh-CN" : "en";
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === current));
  }
}

export function setLang(next) {
  if (next !== "zh" && next !== "en") return;
  current = next;
  localStorage.setItem(KEY, next);
  applyStrings();
  for (const listener of listeners) listener(next);
}

export const onLangChange = (listener) => listeners.push(listener);

/** A number as the API gave it: every digit kept, grouped for reading. */
export function formatNumber(value) {
  if (value === null || value === undefined || value === "") return t("noActual");
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 20 }).format(n);
}

export function formatTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(locale(), {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    second: "2-digit", hour12: false, timeZone: "Asia/Shanghai",
  }).format(d);
}
