"""Finding a CJK font for the PDF: a TrueType file to embed, or reportlab's built-in CID font.

Looked up in order: the configured path (``LODE_REPORTING_CJK_FONT``), then the Debian
paths of ``fonts-wqy-microhei``, ``fonts-wqy-zenhei`` and ``fonts-noto-cjk``. The first
file that reportlab can embed wins; a file it cannot read (missing, or with PostScript/CFF
outlines as Noto Sans CJK has, which reportlab does not embed) is skipped with the reason
logged. With none, the PDF uses ``STSong-Light``, a CID font the viewer supplies (Adobe's
Asian font pack): readable in most viewers, but not embedded, so the PDF is not
self-contained. :class:`CjkFont` says which was used, and the PDF's title page and metadata
repeat it by the font's own name: the file's path is the server's business, for its log only.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

log = logging.getLogger(__name__)

ENV_VAR: Final = "LODE_REPORTING_CJK_FONT"
DEBIAN_CANDIDATES: Final[tuple[str, ...]] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # fonts-noto-cjk
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",  # fonts-noto-cjk
)
FALLBACK_CID_FONT: Final = "STSong-Light"


@dataclass(frozen=True, slots=True)
class CjkFont:
    """The font registered with reportlab under :attr:`name` for the report's text."""

    name: str
    path: str | None
    """The embedded file, or ``None`` for the built-in CID font (not embedded)."""
    face: str
    """The font's own name (``WenQuanYi Micro Hei``), for the log and the metadata."""

    @property
    def embedded(self) -> bool:
        return self.path is not None

    def describe(self) -> str:
        """The font for readers of the report: its name, and whether it is embedded."""
        if self.path is None:
            return f"{self.face} (reportlab built-in CID font, not embedded)"
        return f"{self.face} (embedded)"

    def describe_for_log(self) -> str:
        """The font for the operator's log: :meth:`describe` and the file it came from."""
        if self.path is None:
            return self.describe()
        return f"{self.face} (embedded from {self.path})"


def candidates(configured: str | None, environ: Mapping[str, str]) -> tuple[str, ...]:
    """The paths to try, in order: the argument, the environment variable, Debian's."""
    first = [path for path in (configured, environ.get(ENV_VAR)) if path]
    return (*first, *DEBIAN_CANDIDATES)


@lru_cache(maxsize=8)
def _register_file(path: str) -> CjkFont:
    """Register a TrueType file (face 0 of a collection); raises ``TTFError``/``OSError``."""
    font = TTFont(f"LodeCJK-{Path(path).stem}", path, subfontIndex=0)
    pdfmetrics.registerFont(font)
    face = font.face.familyName or font.face.name
    if isinstance(face, bytes):
        face = face.decode("utf-8", errors="replace")
    return CjkFont(name=font.fontName, path=path, face=str(face))


@lru_cache(maxsize=1)
def _register_cid() -> CjkFont:
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
    return CjkFont(name=FALLBACK_CID_FONT, path=None, face=FALLBACK_CID_FONT)


def find_cjk_font(
    configured: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    search: Sequence[str] | None = None,
) -> CjkFont:
    """The first embeddable CJK TrueType font found, else the built-in CID font.

    ``search`` replaces the whole list (for tests); otherwise :func:`candidates`.
    """
    paths = tuple(search) if search is not None else candidates(configured, environ or os.environ)
    for path in paths:
        if not Path(path).is_file():
            log.debug("CJK font %s: no such file", path)
            continue
        try:
            font = _register_file(path)
        except (TTFError, OSError) as error:
            log.warning("CJK font %s cannot be embedded: %s", path, error)
            continue
        log.info("PDF report font: %s", font.describe_for_log())
        return font
    font = _register_cid()
    log.warning(
        "No embeddable CJK font found (tried %s); the PDF uses %s. "
        "Install fonts-wqy-microhei or set %s.",
        ", ".join(paths) or "nothing",
        font.describe(),
        ENV_VAR,
    )
    return font
