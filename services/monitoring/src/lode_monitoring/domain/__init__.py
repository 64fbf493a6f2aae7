"""Pure domain of the monitoring service (开发利用监管): no I/O, no framework.

Modules, each with a small public API:

* :mod:`.standards` — :meth:`~.standards.MonitoringStandards.of`: monitoring's reading of
  the typed plan document (catalogue look-up, scale table, three-rate minimums, 专栏4,
  licence numbering, projects, clauses); :mod:`.three_rates` picks the minimum that applies.
* :mod:`.licence` — :class:`~.licence.LicenceView`: validity, status history, capacity,
  restoration plan; :mod:`.capacity` converts capacities to 万吨 of ore a year.
* :mod:`.report` — output reports, exploration results and project progress, validated
  with every field error at once.
* :mod:`.findings` — the finding rules, :func:`~.findings.evaluate`,
  :func:`~.findings.missing_reports` and :func:`~.findings.reconcile`.
* :mod:`.reserves` — reserves reports (储量年报), validated and balanced exactly;
  :mod:`.reserves_rules` their findings and their filing deadline.
* :mod:`.periods` — reporting periods and dates in China Standard Time.
* :mod:`.errors` — the exception tree.
"""
