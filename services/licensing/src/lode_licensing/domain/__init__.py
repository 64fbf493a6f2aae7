"""Pure domain of the licensing service: no I/O, no framework.

Modules, one concept each:

* :mod:`.rulebook`: licensing's reading of the typed plan document
  (`lode_common.plan.document.PlanDocument`, national standards included): its entry
  rules as checks, whom each applies to, the mineral policy by right type;
  :mod:`.plan_rules` builds it (``load_plan_rules``).
* :mod:`.catalogue`: which catalogue mineral a name means (aliases, codes, ``treat_as``).
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
* :mod:`.right_basis`: what a new application rests on: a grant (``grant_id``) or the
  applicant's exploration licence (``exploration_licence_no``, 探转采).
* :mod:`.grant`: the grant plan (出让方案) and its reading as the authority's application;
  :mod:`.grant_workflow` its state table (draft → announced → concluded | failed →
  contracted); :mod:`.grant_periods` the working-day periods, the offers and the trade's
  result; :mod:`.grant_contract` the contract and its instalments; :mod:`.grant_law` the
  vocabularies with their sources.
* :mod:`.errors`: the exception tree.
"""
