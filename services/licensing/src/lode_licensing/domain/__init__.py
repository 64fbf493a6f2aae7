"""Pure domain of the licensing service: no I/O, no framework.

Modules, one concept each:

* :mod:`.plan_rules` reads the plan document (plan file + national standards under
  ``standards``) into the rule objects of :mod:`.rulebook`; :mod:`.document_node` is its
  path-aware value reader. Nothing else knows the document's layout.
* :mod:`.vocabulary`: right types, application kinds, scales, outcomes, capacity units.
* :mod:`.minerals`: minerals by name, alias or code (矿种); capacity units and conversions.
* :mod:`.credit_code`: 统一社会信用代码 (GB 32100-2015).
* :mod:`.party`: applicants and holders (申请人/矿业权人).
* :mod:`.application`: the application value object and its validation (all field errors).
* :mod:`.scale`: mine scale (大型/中型/小型) by the national table.
* :mod:`.three_rates`: which national “三率” minimum applies.
* :mod:`.checks`: one pure function per plan rule, ``run_checks`` and ``verdict``.
* :mod:`.workflow`: the application state machine (pending_checks → … → approved).
* :mod:`.licence`: licence numbers, validity, renewal, statuses, daily expiry, phase-out.
* :mod:`.province`: callback signatures, replay guard, forward idempotency keys.
* :mod:`.errors`: the exception tree.
"""
