// Choices for a filter or a form field from a vocabulary of the dictionary:
// options("status.licence", ["active", "suspended"]) → [{value, label}] in the page's language.
import { tOr } from "@/shared/i18n.js";

export function options(prefix, values, t = null) {
  return values.map((value) => ({ value, label: t ? t(`${prefix}.${value}`) : tOr(`${prefix}.${value}`, value) }));
}

/** A copy of `values` without empty entries ("" or null): what an optional field left blank
 * sends (nothing, rather than an empty string the API would refuse). */
export function compact(values) {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== "" && v !== null && v !== undefined));
}

/** `values` with the fields `names` sent as JSON numbers when they read as one ("12.5" →
 * 12.5: an input of type number gives text, and the API takes numbers, not text); anything
 * else is left as typed, for the API to name the field. */
export function numeric(values, names) {
  const out = { ...values };
  for (const name of names) {
    const value = out[name];
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) out[name] = Number(value);
  }
  return out;
}
