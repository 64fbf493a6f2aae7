"""Apply the reporting service's migrations: ``python -m lode_reporting.migrate``."""

from lode_common.migrate_cli import main
from lode_reporting.bootstrap import SETTINGS_CLASS, SPEC

if __name__ == "__main__":
    main(SPEC, SETTINGS_CLASS)
