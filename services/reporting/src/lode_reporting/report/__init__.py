"""The annual plan implementation report (年度规划实施情况报告): its model and renderers."""
