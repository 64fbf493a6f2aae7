"""The plan document (规划文档) and the national standards it carries, as one typed model
every service reads (`document`, `standards`, `entry_rules`, `types`), the plan shipped with
the product (`data`), and the replica of the plan in force every consumer keeps (`replica`).

Zoning validates and publishes a version (it adds the checks only it can make, such as the
region's CRSs); licensing, monitoring and reporting read the same typed document from their
replica and keep only their own policies on top of it.
"""
