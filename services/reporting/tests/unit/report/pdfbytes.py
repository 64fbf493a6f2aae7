"""Reading back what a reportlab PDF holds, without a PDF library: streams and ToUnicode maps."""

from __future__ import annotations

import base64
import re
import zlib

_STREAM = re.compile(rb"<<(?P<dict>.*?)>>\s*stream\r?\n(?P<data>.*?)endstream", re.S)
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def streams(pdf: bytes) -> list[bytes]:
    """Every stream, decoded (reportlab writes ``/ASCII85Decode /FlateDecode`` or plain)."""
    decoded = []
    for match in _STREAM.finditer(pdf):
        header, data = match["dict"], match["data"]
        if b"ASCII85Decode" in header:
            data = base64.a85decode(data.strip().removesuffix(b"~>"), adobe=False)
        if b"FlateDecode" in header:
            # binary data may end in a byte that looks like white space: never strip it; the
            # end-of-line before ``endstream`` is left over after the compressed stream's end
            data = zlib.decompressobj().decompress(data)
        decoded.append(data)
    return decoded


def mapped_characters(pdf: bytes) -> set[str]:
    """The characters the embedded subsets' ToUnicode CMaps map glyphs to."""
    characters = set()
    for stream in streams(pdf):
        for block in _BFCHAR.findall(stream):
            for _, unicode_hex in _PAIR.findall(block):
                characters.add(bytes.fromhex(unicode_hex.decode()).decode("utf-16-be"))
    return characters


_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_SIMPLE = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def info(pdf: bytes, key: str) -> str | None:
    """A document information entry (``/Title``, ``/Creator``, …) as text."""
    match = re.search(rb"/" + key.encode() + rb"\s*\(((?:\\.|[^\\)])*)\)", pdf, re.S)
    if match is None:
        return None

    def unescape(escape: re.Match[bytes]) -> bytes:
        code = escape[1]
        if code[:1].isdigit():
            return bytes([int(code, 8)])
        return _SIMPLE.get(code, code)

    raw = _ESCAPE.sub(unescape, match[1])
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be")
    return raw.decode("latin-1")
