// What a route of the API accepts, read from its service's OpenAPI document
// (`/<service>/openapi.json`, public): a screen offers a filter only when the list route
// takes that query parameter, so the page never sends a filter the API would ignore (an
// unknown query parameter is not an error, and would silently show an unfiltered total).
import { request } from "./api.js";

const documents = new Map();

function documentOf(service) {
  if (!documents.has(service)) {
    const loading = request("GET", `/${service}/openapi.json`, { signed: false }).catch((error) => {
      documents.delete(service); // tried again next time
      throw error;
    });
    documents.set(service, loading);
  }
  return documents.get(service);
}

function matches(template, path) {
  const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}/g, "[^/]+")}$`);
  return pattern.test(path);
}

/** The query parameters `GET path` takes (a Set of names), `{}` when unknown. */
export async function queryParameters(path, method = "get") {
  const clean = path.split("?")[0];
  const service = clean.split("/")[1];
  try {
    const document = await documentOf(service);
    const paths = document?.paths || {};
    const template = clean in paths ? clean : Object.keys(paths).find((p) => matches(p, clean));
    const operation = template ? paths[template]?.[method] : null;
    return new Set((operation?.parameters || []).filter((p) => p.in === "query").map((p) => p.name));
  } catch {
    return new Set();
  }
}

/** The values a query parameter's schema allows (an enum), or null. */
export async function parameterValues(path, name, method = "get") {
  const clean = path.split("?")[0];
  const service = clean.split("/")[1];
  try {
    const document = await documentOf(service);
    const operation = document?.paths?.[clean]?.[method];
    const parameter = (operation?.parameters || []).find((p) => p.in === "query" && p.name === name);
    const schema = parameter?.schema || {};
    const resolve = (s) => (s?.$ref ? document.components?.schemas?.[s.$ref.split("/").pop()] : s);
    for (const option of [schema, ...(schema.anyOf || [])].map(resolve)) {
      if (Array.isArray(option?.enum)) return option.enum;
    }
    return null;
  } catch {
    return null;
  }
}
