"""Apply the monitoring service's migrations: ``python -m lode_monitoring.migrate``."""

from lode_common.migrate_cli import main
from lode_monitoring.bootstrap import SETTINGS_CLASS, SPEC

if __name__ == "__main__":
    main(SPEC, SETTINGS_CLASS)
