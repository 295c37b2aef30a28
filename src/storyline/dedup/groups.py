"""Near-duplicate groups: union-find over verified pairs, and the parent rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable


class UnionFind:
    """Disjoint sets over string ids, with path halving and union by size."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._size: dict[str, int] = {}

    def add(self, x: str) -> None:
        if x not in self._parent:
            self._parent[x] = x
            self._size[x] = 1

    def find(self, x: str) -> str:
        self.add(x)
        while self._parent[x] != x:
            self._parent[x] = self._parent[self._parent[x]]
            x = self._parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self._size[ra] < self._size[rb]:
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._size[ra] += self._size[rb]

    def ids(self) -> list[str]:
        return list(self._parent)

    def components(self) -> list[list[str]]:
        """All sets, each sorted, in order of their smallest member."""
        by_root: dict[str, list[str]] = {}
        for x in self._parent:
            by_root.setdefault(self.find(x), []).append(x)
        return sorted((sorted(c) for c in by_root.values()), key=lambda c: c[0])


@dataclass(frozen=True, slots=True)
class Member:
    """What the parent rule needs to know about one copy."""

    id: str
    published: datetime | None
    wire_own: bool = False  # published by the wire service itself


def parent_key(m: Member) -> tuple[bool, float, bool, str]:
    """Earliest first, unknown dates last; on a tie the wire's own copy; then the id."""
    return (m.published is None, m.published.timestamp() if m.published else 0.0, not m.wire_own, m.id)


def choose_parent(members: Iterable[Member]) -> Member:
    return min(members, key=parent_key)
