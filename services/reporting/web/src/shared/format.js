// Dates, times and quantities as a Chinese bureau reads them: calendar days in China
// Standard Time as YYYY-MM-DD (deadlines and "years" are CST in the API too), numbers
// grouped for reading with every digit the API gave, and the plan's units spelled out
// (万吨, 公顷, 万元 in Chinese; 10k t, ha, 10k CNY in English).
import { lang, locale } from "./i18n.js";

const ZONE = "Asia/Shanghai";
const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** An instant from the API: ISO 8601 text; one without an offset is UTC (SQLite keeps
 * instants naive, in UTC). */
export function instant(value) {
  if (value === null || value === undefined || value === "") return null;
  if (value instanceof Date) return value;
  const text = String(value);
  const zoned = /([zZ]|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? null : date;
}

function parts(date, withTime) {
  const format = new Intl.DateTimeFormat("en-CA", {
    timeZone: ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    ...(withTime ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" } : {}),
  });
  return Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
}

/** A calendar day (YYYY-MM-DD) in China Standard Time; "—" for none. */
export function formatDate(value) {
  if (typeof value === "string" && DAY_ONLY.test(value)) return value;
  const date = instant(value);
  if (!date) return "—";
  const p = parts(date, false);
  return `${p.year}-${p.month}-${p.day}`;
}

/** A moment as YYYY-MM-DD HH:mm in China Standard Time; "—" for none. */
export function formatDateTime(value) {
  if (typeof value === "string" && DAY_ONLY.test(value)) return value;
  const date = instant(value);
  if (!date) return "—";
  const p = parts(date, true);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** Today in China Standard Time, as YYYY-MM-DD (the day the API judges dates against). */
export function todayCst() {
  return formatDate(new Date());
}

const UNITS = {
  "10kt": { zh: "万吨", en: "10k t" },
  "10kt/y": { zh: "万吨/年", en: "10k t/yr" },
  ha: { zh: "公顷", en: "ha" },
  cny10k: { zh: "万元", en: "10k CNY" },
  pct: { zh: "%", en: "%" },
  m: { zh: "米", en: "m" },
  years: { zh: "年", en: "years" },
  days: { zh: "天", en: "days" },
};

/** A number as the API gave it, grouped for reading, with its unit (a key of UNITS, or a
 * unit text the API gave such as "万吨/年"); "—" for none. */
export function formatNumber(value, unit) {
  if (value === null || value === undefined || value === "") return "—";
  const n = Number(value);
  const shown = Number.isFinite(n)
    ? new Intl.NumberFormat(locale.value, { maximumFractionDigits: 20 }).format(n)
    : String(value);
  if (!unit) return shown;
  const known = UNITS[unit];
  const text = known ? (lang.value === "en" ? known.en : known.zh) : unit;
  return text === "%" ? `${shown}%` : `${shown} ${text}`;
}

/** The first characters of a long id (a UUID), enough to tell rows apart. */
export function shortId(id) {
  const text = String(id ?? "");
  return text.length > 12 ? `${text.slice(0, 8)}…` : text;
}
