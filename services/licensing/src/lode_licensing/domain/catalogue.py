"""Which catalogue mineral (矿种目录) a name means, as licensing compares them.

The catalogue is the typed `NationalStandards.mineral_catalogue`; the plan names minerals
by their Chinese name or an alias (专栏4 writes ``建筑石料矿产`` for ``建筑石料``), and an
applicant may also give the catalogue code in any case. A mineral counts as what it is
treated as for scale classes and three rates (``treat_as_zh``: 超贫磁铁矿 → 铁矿), so a
rule naming 铁矿 covers it too.
"""

from __future__ import annotations

from collections.abc import Iterable

from lode_common.plan.standards import CatalogueEntry, NationalStandards


def find_mineral(standards: NationalStandards, name: str) -> CatalogueEntry | None:
    """The entry an applicant means by ``name``: its Chinese name, an alias or its code in
    any case, spaces around it ignored."""
    wanted = name.strip()
    for entry in standards.mineral_catalogue:
        if wanted in entry.names_zh or wanted.lower() == entry.code.lower():
            return entry
    return None


def catalogue_names(standards: NationalStandards) -> tuple[str, ...]:
    """Every name an applicant may use: Chinese names, codes and aliases."""
    return tuple(
        name
        for entry in standards.mineral_catalogue
        for name in (entry.zh, entry.code, *entry.aliases_zh)
    )


def canonical_zh(standards: NationalStandards, name: str) -> str:
    """The catalogue's own name for a name the plan uses (an alias becomes the name)."""
    entry = standards.mineral(name)
    return entry.zh if entry is not None else name


def standard_zh(standards: NationalStandards, mineral: CatalogueEntry) -> str:
    """The mineral whose scale classes and three rates apply (超贫磁铁矿 → 铁矿)."""
    if mineral.treat_as_zh is None:
        return mineral.zh
    return canonical_zh(standards, mineral.treat_as_zh)


def is_among(standards: NationalStandards, mineral: CatalogueEntry, names: Iterable[str]) -> bool:
    """True when ``names`` name this mineral or the mineral it is treated as."""
    wanted = {canonical_zh(standards, name) for name in names}
    return mineral.zh in wanted or standard_zh(standards, mineral) in wanted
