// A form's submission: one Idempotency-Key per submission (kept while the officer fixes
// and retries it, so a retried write is never done twice; a new one after success), the
// API's 422 field errors by field for each <el-form-item :error>, and the other problems for
// a <ProblemAlert>. The form's rules are the API's: the page checks nothing the API does not.
import { reactive, ref } from "vue";

import { ApiProblem, newIdempotencyKey } from "@/shared/api.js";

export function useSubmission() {
  const errors = reactive({});
  const problem = ref(null);
  const busy = ref(false);
  let key = null;

  function clear() {
    for (const name of Object.keys(errors)) delete errors[name];
    problem.value = null;
  }

  /**
   * Runs `send(idempotencyKey)`; answers its result, or undefined when the API refused
   * (the refusal is then in `errors` and `problem`).
   */
  async function submit(send) {
    if (busy.value) return undefined;
    key ??= newIdempotencyKey();
    busy.value = true;
    clear();
    try {
      const result = await send(key);
      key = null; // done: the next submission is another one
      return result;
    } catch (error) {
      problem.value = error;
      if (error instanceof ApiProblem) Object.assign(errors, error.fields);
      return undefined;
    } finally {
      busy.value = false;
    }
  }

  /** The API's message for `field` (or a field inside it: `area` takes `area.geometry…`),
   * for `<el-form-item :error="errorFor('licence_no')">`; "" when it named none. */
  function errorFor(field) {
    if (errors[field]) return errors[field];
    const inner = Object.keys(errors).find((name) => name.startsWith(`${field}.`) || name.startsWith(`${field}[`));
    return inner ? `${inner}: ${errors[inner]}` : "";
  }

  /** Starts over (a new form): no errors, a new key at the next submission. */
  function reset() {
    clear();
    key = null;
  }

  return { submit, errorFor, errors, problem, busy, reset };
}
