// One server-paged list of the public API ({items, total, limit, offset}): the page the
// visitor is on, its filters as last applied, and whether it is loading or failed. A newer
// request cancels an older one, so a slow answer never overwrites a later choice.

import { reactive } from "vue";

import { getJson } from "./api.js";

export const PAGE_SIZE = 20;

/** `pick` finds the page in the answer (the inspections' answer holds its results' page
 * beside the year's draws); the whole answer is kept as `state.body`. */
export function usePaged(path, { limit = PAGE_SIZE, pick = (body) => body } = {}) {
  const state = reactive({
    items: [],
    total: 0,
    limit,
    offset: 0,
    query: {},
    body: null,
    loading: false,
    loaded: false,
    error: null,
  });
  let current = null;

  /** Loads the page at `offset` for `query` (the filters, without limit and offset). */
  async function load(query = state.query, offset = 0) {
    current?.abort();
    const controller = new AbortController();
    current = controller;
    state.loading = true;
    state.error = null;
    try {
      const body = await getJson(path, { ...query, limit: state.limit, offset }, { signal: controller.signal });
      if (current !== controller) return;
      const found = pick(body);
      state.body = body;
      state.items = Array.isArray(found?.items) ? found.items : [];
      state.total = Number.isFinite(found?.total) ? found.total : state.items.length;
      state.offset = Number.isFinite(found?.offset) ? found.offset : offset;
      state.query = { ...query };
      state.loaded = true;
    } catch (error) {
      if (error?.name === "AbortError") return;
      state.error = error;
    } finally {
      if (current === controller) state.loading = false;
    }
  }

  /** Goes to page `number` (1-based) of the same filters. */
  function page(number) {
    return load(state.query, (number - 1) * state.limit);
  }

  /** What the panel is showing, for the visitor's screen reader and for the tests. */
  function phase() {
    if (state.error) return "error";
    if (!state.loaded) return "loading";
    return state.items.length ? "ready" : "empty";
  }

  return { state, load, page, phase };
}
