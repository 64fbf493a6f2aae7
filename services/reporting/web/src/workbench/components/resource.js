// One resource of the API for a detail screen: loaded when the screen opens (and again when
// its address changes), with its problem (a 404, a 403) for a <ProblemAlert>, and asked
// again every `pollMs` while `waiting(data)` says it waits on someone else (the province's
// decision, a background check).
import { onBeforeUnmount, ref, watch } from "vue";

import { request } from "@/shared/api.js";

export function useResource(url, { waiting = () => false, pollMs = 5000 } = {}) {
  const data = ref(null);
  const problem = ref(null);
  const loading = ref(false);
  let timer = null;

  async function load() {
    const target = url();
    loading.value = true;
    try {
      const body = await request("GET", target);
      if (target === url()) {
        data.value = body;
        problem.value = null;
      }
    } catch (error) {
      problem.value = error;
    } finally {
      loading.value = false;
    }
  }

  watch(url, load, { immediate: true });
  watch(data, (value) => {
    clearInterval(timer);
    if (value && waiting(value)) timer = setInterval(load, pollMs);
  });
  onBeforeUnmount(() => clearInterval(timer));

  return { data, problem, loading, load };
}
