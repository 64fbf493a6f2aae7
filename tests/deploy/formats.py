"""The formats of the deployment files that no library here reads: compose's variable
interpolation, the Caddyfile, the Dockerfile, .dockerignore patterns and Kafka's listener
lists. Each reader is as small as the files it reads need (yaml reads the YAML ones).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

# ------------------------------------------------------------------ compose interpolation


class MissingVariable(Exception):
    """``${VAR:?message}`` with VAR unset: ``docker compose`` refuses to start."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


_REFERENCE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)


_BRACED = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>.*))?", re.S)


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Compose's variable syntax: $$, $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?m}, ${VAR?m},
    ${VAR:+a}, ${VAR+a}."""

    def replace(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        if match["named"]:
            return env.get(match["named"], "")
        braced = _BRACED.fullmatch(match["braced"])
        assert braced, f"not compose syntax: ${{{match['braced']}}}"
        name, op, arg = braced["name"], braced["op"], braced["arg"]
        value = env.get(name)
        is_set, non_empty = value is not None, bool(value)
        if op is None:
            return value or ""
        present = non_empty if op.startswith(":") else is_set
        if op in (":-", "-"):
            return (value or "") if present else arg
        if op in (":?", "?"):
            if not present:
                raise MissingVariable(name, arg)
            return value or ""
        return arg if present else ""  # :+ and +

    return _REFERENCE.sub(replace, text)


def resolve(value: Any, env: Mapping[str, str]) -> Any:
    """Interpolate every string in a parsed compose document."""
    if isinstance(value, str):
        return interpolate(value, env)
    if isinstance(value, dict):
        return {k: resolve(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, env) for v in value]
    return value


# ------------------------------------------------------------------ the Caddyfile


@dataclass
class Block:
    words: list[str]
    children: list[Block] = field(default_factory=list)

    def walk(self) -> list[Block]:
        return [self, *(b for child in self.children for b in child.walk())]


def parse_caddyfile(text: str) -> Block:
    root = Block(["<root>"])
    stack = [root]
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        if not words:
            continue
        if words == ["}"]:
            stack.pop()
            continue
        opens = words[-1] == "{"
        block = Block((words[:-1] if opens else words) or ["<global options>"])
        stack[-1].children.append(block)
        if opens:
            stack.append(block)
    assert stack == [root], "unbalanced braces in the Caddyfile"
    return root


def upstreams(block: Block) -> set[tuple[str, int]]:
    found = set()
    for b in block.walk():
        if b.words[:2] == ["dynamic", "a"] and len(b.words) == 4:
            found.add((b.words[2], int(b.words[3])))
        elif b.words[0] in ("reverse_proxy", "to") and len(b.words) > 1:
            for target in b.words[1:]:
                host, _, port = target.rpartition(":")
                found.add((host, int(port)))
    return found


# ------------------------------------------------------------------ the Dockerfile


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]]

    def all(self, keyword: str) -> list[str]:
        return [args for instr, args in self.instructions if instr == keyword]

    def only(self, keyword: str) -> str:
        found = self.all(keyword)
        assert len(found) == 1, f"{keyword}: {found}"
        return found[0]

    def env(self) -> dict[str, str]:
        pairs = [p for args in self.all("ENV") for p in shlex.split(args, posix=False)]
        return dict(p.split("=", 1) for p in pairs)


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    instructions, current = [], ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if current and line.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        current += line
        keyword, _, args = current.strip().partition(" ")
        instructions.append((keyword.upper(), args.strip()))
        current = ""
    assert not current, "the Dockerfile ends inside a continued line"
    return instructions


def dockerfile_stages_of(text: str) -> list[Stage]:
    """The stages of a Dockerfile, global ``ARG`` defaults substituted in their ``FROM``."""
    instructions = dockerfile_instructions(text)
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for keyword, args in instructions:
        if keyword == "FROM":
            words = args.split()
            base = re.sub(r"\$\{(\w+)\}", lambda m: global_args.get(m[1], m[0]), words[0])
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base, name, []))
        elif not stages:
            assert keyword == "ARG", f"{keyword} before the first FROM"
            name, _, default = args.partition("=")
            global_args[name] = default
        else:
            stages[-1].instructions.append((keyword, args))
    return stages


# ------------------------------------------------------------------ .dockerignore


def ignore_patterns_of(text: str) -> list[str]:
    """The patterns of a .dockerignore file, in order (a ``!`` pattern re-includes)."""
    lines = text.splitlines()
    return [ln.strip().rstrip("/") for ln in lines if ln.strip() and not ln.startswith("#")]


def is_ignored(path: str, patterns: list[str]) -> bool:
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!")
        parts = Path(path).parts
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch(p, pattern) or fnmatch(p, pattern.removeprefix("**/")) for p in prefixes):
            ignored = not negate
    return ignored


# ------------------------------------------------------------------ Kafka listeners


def kafka_listeners(value: str) -> dict[str, tuple[str, int]]:
    result = {}
    for item in value.split(","):
        name, _, address = item.strip().partition("://")
        host, _, port = address.rpartition(":")
        result[name] = (host, int(port))
    return result
