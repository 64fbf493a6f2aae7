"""The public disclosure API (信息公示, issue 18): ``GET /public/v1/...`` without a token, from
reporting's read models only, cached, rate-limited per client address and bounded in what it
may ask of the database at once (:mod:`.protection`), so that a crawler cannot hurt the
staff's service. What is public is decided in :mod:`lode_reporting.domain.public`."""
