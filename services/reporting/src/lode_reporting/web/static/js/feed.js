// The live feed: the latest events, newest on top, with type, licence and time.

import { formatTime, t, tOr } from "./i18n.js";

export const FEED_SIZE = 50;
const events = []; // newest first: {id, type, envelope}

function describe(envelope) {
  const data = envelope.data ?? {};
  const parts = [];
  const licence = data.licence_no ?? (/^[CT]\d{22}$/.test(envelope.subject ?? "") ? envelope.subject : null);
  if (licence) parts.push(licence);
  if (data.holder?.name) parts.push(data.holder.name);
  if (data.mineral) parts.push(data.mineral);
  if (data.year) parts.push(String(data.year));
  if (data.name_zh) parts.push(data.name_zh);
  if (data.message) parts.push(data.message);
  if (!parts.length && envelope.subject) parts.push(envelope.subject);
  return parts.join(" · ");
}

function row(entry, fresh) {
  const li = document.createElement("li");
  li.dataset.eventId = entry.id;
  li.dataset.type = entry.type;
  if (fresh) li.className = "new";
  const time = document.createElement("time");
  time.dateTime = entry.envelope.time ?? "";
  time.textContent = formatTime(entry.envelope.time);
  const what = document.createElement("span");
  what.className = "what";
  what.textContent = tOr(`event.${entry.type}`, entry.type);
  what.title = entry.type;
  const detail = document.createElement("span");
  detail.className = "detail";
  detail.textContent = describe(entry.envelope);
  li.append(time, what, detail);
  return li;
}

/** Adds one event of the stream to the top of the list; the list keeps FEED_SIZE. */
export function addEvent(list, empty, sse) {
  let envelope;
  try {
    envelope = JSON.parse(sse.data);
  } catch {
    envelope = { id: sse.id, type: sse.type, data: {} };
  }
  const entry = { id: sse.id || envelope.id, type: envelope.type ?? sse.type, envelope };
  if (events.some((e) => e.id === entry.id)) return null;
  events.unshift(entry);
  events.length = Math.min(events.length, FEED_SIZE);
  list.prepend(row(entry, true));
  while (list.children.length > FEED_SIZE) list.lastElementChild.remove();
  empty.hidden = true;
  return entry;
}

/** Redraws the list in the current language. */
export function relabelFeed(list) {
  list.replaceChildren(...events.map((e) => row(e, false)));
}
