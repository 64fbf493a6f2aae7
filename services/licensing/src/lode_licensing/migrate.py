"""Apply the licensing service's migrations: ``python -m lode_licensing.migrate``."""

from lode_common.migrate_cli import main
from lode_licensing.bootstrap import SETTINGS_CLASS, SPEC

if __name__ == "__main__":
    main(SPEC, SETTINGS_CLASS)
