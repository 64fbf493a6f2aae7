"""Apply the zoning service's migrations: ``python -m lode_zoning.migrate``."""

from lode_common.migrate_cli import main
from lode_zoning.bootstrap import SETTINGS_CLASS, SPEC

if __name__ == "__main__":
    main(SPEC, SETTINGS_CLASS)
