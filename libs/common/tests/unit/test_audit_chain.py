"""The audit chain's rules without a database: hashing, the walk that names the first broken
entry, the retention setting's floor, the daily anchor's clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from lode_common.audit.chain import (
    GENESIS,
    PRUNED_ACTION,
    Anchor,
    entry_hash,
    preferred_algorithm,
    verify_entries,
)
from lode_common.audit.jobs import next_run
from lode_common.settings import MIN_AUDIT_RETENTION_DAYS

from .support import settings_for


def chain(n: int, *, algorithm: str = "sha256") -> list[dict[str, Any]]:
    """``n`` sealed entries, as the sealer writes them."""
    entries, prev = [], GENESIS
    start = datetime(2026, 12, 1, tzinfo=UTC)
    for seq in range(1, n + 1):
        entry: dict[str, Any] = {
            "id": f"e{seq}",
            "recorded_at": start + timedelta(seconds=seq),
            "actor": "officer-1",
            "roles": "licensing_officer",
            "action": "POST /licensing/v1/applications",
            "subject": json.dumps({"application": {"inserted": [f"a{seq}"]}}),
            "request_id": f"r{seq}",
            "detail": None,
        }
        digest = entry_hash(entry, seq=seq, prev_hash=prev, algorithm=algorithm)
        entries.append(
            entry | {"seq": seq, "prev_hash": prev, "entry_hash": digest, "algorithm": algorithm}
        )
        prev = digest
    return entries


def test_sm3_is_preferred_here_and_each_entry_checks_with_its_own_algorithm() -> None:
    assert preferred_algorithm() == "sm3"  # this platform's OpenSSL has it
    mixed = chain(3, algorithm="sha256")
    verdict = verify_entries(mixed)
    assert verdict.ok
    assert verdict.algorithms == {"sha256"}
    assert verify_entries(chain(3, algorithm="sm3")).algorithms == {"sm3"}


def test_a_naive_timestamp_from_sqlite_hashes_as_the_same_instant() -> None:
    entry = chain(1)[0]
    naive = entry | {"recorded_at": entry["recorded_at"].replace(tzinfo=None)}
    assert entry_hash(naive, seq=1, prev_hash=GENESIS, algorithm="sm3") == entry_hash(
        entry, seq=1, prev_hash=GENESIS, algorithm="sm3"
    )


def test_an_intact_chain_names_its_head() -> None:
    entries = chain(5)
    verdict = verify_entries(entries)
    assert verdict.ok
    assert (verdict.entries, verdict.head_seq) == (5, 5)
    assert verdict.head_hash == entries[-1]["entry_hash"]


def test_an_edited_entry_is_named_with_its_hash_mismatch() -> None:
    entries = chain(5)
    entries[2]["actor"] = "someone-else"
    broken = verify_entries(entries).broken
    assert broken is not None
    assert (broken.seq, broken.kind) == (3, "edited")
    assert broken.reason.startswith("哈希不符")
    assert "hash mismatch" in broken.reason


def test_a_deleted_entry_is_a_gap() -> None:
    entries = chain(5)
    del entries[1]
    broken = verify_entries(entries).broken
    assert broken is not None
    assert (broken.seq, broken.kind) == (3, "deleted")
    first_gone = chain(3)[1:]
    assert verify_entries(first_gone).broken is not None


def test_a_deleted_entry_renumbered_away_is_a_previous_hash_mismatch() -> None:
    entries = chain(5)
    del entries[1]
    for entry in entries[1:]:
        entry["seq"] -= 1
    broken = verify_entries(entries).broken
    assert broken is not None
    assert (broken.seq, broken.kind) == (2, "deleted")


def test_swapped_entries_are_reordered() -> None:
    entries = chain(5)
    entries[2]["seq"], entries[3]["seq"] = 4, 3
    entries.sort(key=lambda e: e["seq"])
    broken = verify_entries(entries).broken
    assert broken is not None
    assert (broken.seq, broken.kind) == (3, "reordered")


def test_a_chain_rewritten_consistently_is_caught_by_an_anchor() -> None:
    original = chain(4)
    anchor = Anchor(3, original[2]["entry_hash"], "2026-12-01")
    assert verify_entries(original, [anchor]).ok
    rewritten = chain(4)
    rewritten[1]["actor"] = "forger"  # then every hash from there recomputed
    prev = rewritten[0]["entry_hash"]
    for entry in rewritten[1:]:
        entry["prev_hash"] = prev
        entry["entry_hash"] = prev = entry_hash(
            entry, seq=entry["seq"], prev_hash=prev, algorithm="sha256"
        )
    verdict = verify_entries(rewritten, [anchor])
    assert verdict.broken is not None
    assert (verdict.broken.seq, verdict.broken.kind) == (3, "rewritten")
    assert "2026-12-01" in verdict.broken.reason


def test_after_a_prune_the_walk_starts_where_the_pruned_entry_says() -> None:
    entries = chain(6)
    cut = entries[2]
    pruned = {
        "id": "p",
        "recorded_at": datetime(2026, 12, 2, tzinfo=UTC),
        "actor": "system:audit-retention",
        "roles": "",
        "action": PRUNED_ACTION,
        "subject": "{}",
        "request_id": None,
        "detail": json.dumps({"through_seq": 3, "entry_hash": cut["entry_hash"]}),
    }
    prev = entries[-1]["entry_hash"]
    sealed = pruned | {
        "seq": 7,
        "prev_hash": prev,
        "algorithm": "sha256",
        "entry_hash": entry_hash(pruned, seq=7, prev_hash=prev, algorithm="sha256"),
    }
    kept = [*entries[3:], sealed]
    verdict = verify_entries(kept, [Anchor(2, entries[1]["entry_hash"])])
    assert verdict.ok, verdict.broken
    assert (verdict.first_seq, verdict.anchors_pruned) == (4, 1)
    assert verify_entries(kept[1:]).broken is not None  # one more gone: not what it says


def test_retention_below_six_months_is_refused(tmp_path: Path) -> None:
    assert MIN_AUDIT_RETENTION_DAYS == 184
    assert settings_for(tmp_path).audit_retention_days == MIN_AUDIT_RETENTION_DAYS
    with pytest.raises(ValidationError, match=r"网络安全法第二十一条.*at least six months"):
        settings_for(tmp_path, audit_retention_days=90)
    assert settings_for(tmp_path, audit_retention_days=400).audit_retention_days == 400


def test_the_daily_anchor_runs_at_its_time_in_china() -> None:
    at = time(0, 5)
    # 15:00 UTC = 23:00 CST: the next run is 00:05 CST, i.e. 16:05 UTC the same day
    assert next_run(datetime(2026, 12, 1, 15, 0, tzinfo=UTC), at) == datetime(
        2026, 12, 1, 16, 5, tzinfo=UTC
    )
    assert next_run(datetime(2026, 12, 1, 16, 5, tzinfo=UTC), at) == datetime(
        2026, 12, 2, 16, 5, tzinfo=UTC
    )
