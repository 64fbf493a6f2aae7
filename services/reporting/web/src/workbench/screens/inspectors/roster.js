// The inspector roster as other screens use it: names for the ids a draw or an inspection
// gives, and the choices of an inspection's form. Only inspectors and admins may read the
// roster (GET /monitoring/v1/inspectors); for anyone else the ids are shown as they are.
import { request } from "@/shared/api.js";

import { hasRole } from "../../session.js";

/** The roster's entries (`[]` when the caller may not read it: not asked then). */
export async function loadRoster() {
  if (!hasRole("inspector", "admin")) return [];
  try {
    const body = await request("GET", "/monitoring/v1/inspectors");
    return body?.items ?? [];
  } catch {
    return [];
  }
}

/** "name (id)" for an inspector id, or the id alone when the roster does not name it. */
export function inspectorLabel(roster, id) {
  const found = roster.find((i) => i.id === id);
  return found ? `${found.name}（${found.id}）` : id;
}
