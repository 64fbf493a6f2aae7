"""The hash chain (哈希链): how an entry's hash is computed and how a chain is checked.

An entry's hash is H(canonical JSON of its recorded fields, its ``seq``, the previous
entry's hash and the algorithm's name), H being SM3 (GB/T 32905-2016, the national standard
hash) where the platform's OpenSSL offers it, else SHA-256; each entry names its algorithm
and is checked with it. The first entry's previous hash is 64 zeros; after a retention
prune, the first kept entry's previous hash is the one the ``audit.pruned`` entry names.

Pure functions: the database side is :mod:`.sealing` and :mod:`.verify`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
ANCHOR_ACTION = "audit.anchor"
PRUNED_ACTION = "audit.pruned"
HASHED_FIELDS = (
    "id",
    "recorded_at",
    "actor",
    "roles",
    "action",
    "subject",
    "request_id",
    "detail",
)


def preferred_algorithm() -> str:
    """``sm3`` when this Python's OpenSSL has it, else ``sha256``."""
    try:
        hashlib.new("sm3")
    except ValueError:
        return "sha256"
    return "sm3"


def _instant(value: Any) -> str:
    """A timestamp as the same text on both databases (SQLite gives it back naive, in UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    raise TypeError(f"recorded_at must be a timestamp, not {type(value).__name__}")


def entry_hash(entry: Mapping[str, Any], *, seq: int, prev_hash: str, algorithm: str) -> str:
    """The hash of ``entry`` at ``seq`` after ``prev_hash`` (lower-case hex)."""
    fields = {name: entry.get(name) for name in HASHED_FIELDS}
    fields["recorded_at"] = _instant(entry["recorded_at"])
    fields.update(seq=seq, prev_hash=prev_hash, algorithm=algorithm)
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.new(algorithm, text.encode()).hexdigest()


@dataclass(frozen=True)
class Anchor:
    """A head published by the daily anchor and kept outside the service (reporting's
    ``audit_anchor``): the chain must still have ``entry_hash`` at ``seq``."""

    seq: int
    entry_hash: str
    day: str = ""


@dataclass(frozen=True)
class Break:
    """The first broken entry and why (Chinese first, then English)."""

    seq: int | None
    entry_id: str | None
    kind: str  # edited | deleted | reordered | rewritten | start
    reason: str


@dataclass
class Verdict:
    """What a walk of one chain found."""

    entries: int = 0
    algorithms: set[str] = field(default_factory=set)
    head_seq: int | None = None
    head_hash: str | None = None
    first_seq: int | None = None
    anchors_checked: int = 0
    anchors_pruned: int = 0
    broken: Break | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


def start_of(entries: Sequence[Mapping[str, Any]]) -> tuple[int, str]:
    """The seq and previous hash the first kept entry must have: 1 and zeros, or what the
    latest ``audit.pruned`` entry names."""
    through, named = 0, GENESIS
    for entry in entries:
        if entry["action"] == PRUNED_ACTION and entry.get("detail"):
            detail = json.loads(entry["detail"])
            if int(detail["through_seq"]) > through:
                through, named = int(detail["through_seq"]), str(detail["entry_hash"])
    return through + 1, named


def verify_entries(entries: Sequence[Mapping[str, Any]], anchors: Sequence[Anchor] = ()) -> Verdict:
    """Walk sealed ``entries`` (ordered by seq) and name the first broken one, then check
    ``anchors`` against the chain."""
    verdict = Verdict(entries=len(entries))
    if not entries:
        return verdict
    by_hash = {str(e["entry_hash"]): e for e in entries}
    expected_seq, expected_prev = start_of(entries)
    verdict.first_seq = int(entries[0]["seq"])
    for entry in entries:
        broken = _check(entry, expected_seq, expected_prev, by_hash)
        if broken is not None:
            verdict.broken = broken
            return verdict
        verdict.algorithms.add(str(entry["algorithm"]))
        expected_seq, expected_prev = int(entry["seq"]) + 1, str(entry["entry_hash"])
    verdict.head_seq, verdict.head_hash = expected_seq - 1, expected_prev
    by_seq = {int(e["seq"]): str(e["entry_hash"]) for e in entries}
    for anchor in sorted(anchors, key=lambda a: a.seq):
        if anchor.seq < verdict.first_seq:
            verdict.anchors_pruned += 1
            continue
        verdict.anchors_checked += 1
        found = by_seq.get(anchor.seq)
        if found != anchor.entry_hash:
            verdict.broken = Break(
                anchor.seq,
                None,
                "rewritten",
                f"链已被改写：第 {anchor.seq} 条与 {anchor.day} 的锚定不符 — the chain was "
                f"rewritten: entry {anchor.seq} "
                + ("is missing" if found is None else "does not have the hash")
                + f" anchored on {anchor.day} ({anchor.entry_hash[:16]}…)",
            )
            return verdict
    return verdict


def _check(
    entry: Mapping[str, Any],
    expected_seq: int,
    expected_prev: str,
    by_hash: Mapping[str, Mapping[str, Any]],
) -> Break | None:
    seq, entry_id = int(entry["seq"]), str(entry["id"])
    if seq != expected_seq:
        if seq > expected_seq:
            return Break(
                seq,
                entry_id,
                "deleted",
                f"序号缺失：第 {expected_seq}–{seq - 1} 条不见了（被删除）— seq gap: "
                f"entries {expected_seq}..{seq - 1} are missing (deleted)",
            )
        return Break(
            seq,
            entry_id,
            "reordered",
            f"序号重复或倒退：应为 {expected_seq} — seq out of order: expected {expected_seq}",
        )
    prev = str(entry["prev_hash"])
    if prev != expected_prev:
        before = by_hash.get(prev)
        if before is not None and before is not entry:
            return Break(
                seq,
                entry_id,
                "reordered",
                f"顺序被调换：第 {seq} 条本应接在第 {before['seq']} 条之后 — reordered: entry "
                f"{seq} was chained after the entry now at {before['seq']}",
            )
        return Break(
            seq,
            entry_id,
            "deleted",
            f"前序哈希不符：第 {seq} 条之前的条目被删除或替换 — previous hash mismatch: an "
            f"entry before {seq} was deleted or replaced",
        )
    algorithm = str(entry["algorithm"])
    try:
        recomputed = entry_hash(entry, seq=seq, prev_hash=prev, algorithm=algorithm)
    except ValueError:
        return Break(
            seq,
            entry_id,
            "edited",
            f"未知算法 {algorithm!r}：第 {seq} 条无法核验 — unknown algorithm {algorithm!r}: "
            f"entry {seq} cannot be checked",
        )
    if recomputed != entry["entry_hash"]:
        return Break(
            seq,
            entry_id,
            "edited",
            f"哈希不符：第 {seq} 条的内容被修改 — hash mismatch: entry {seq} was edited",
        )
    return None
