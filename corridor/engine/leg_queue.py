"""Containers waiting for a scheduled or when-full leg, in the order they board."""

from __future__ import annotations

import bisect
import operator
from collections import deque

__all__ = ["LegQueue"]

_INF = float("inf")
_BUCKET_H = 1.0  # width of a bucket of containers not yet ready for their leg, hours


class LegQueue:
    """Containers waiting for a leg: not yet ready (by ready time) and ready (FIFO).

    Containers are queued when they leave the node before the leg, often with a ready time
    hours or days ahead (a dwell in the yard is arithmetic). Those not yet ready are kept in
    buckets of ``_BUCKET_H`` hours of ready time, each sorted only when it is needed, with the
    buckets' keys in order: a push is an append, and a vehicle leaving takes whole buckets. A
    single heap of all of them (thousands at a busy port) would cost a logarithm and a few
    cache misses on every push and pop. Buckets are sorted stably by ready time, so ties keep
    the order in which the containers were queued.
    """

    __slots__ = ("buckets", "keys", "present", "unsorted")

    def __init__(self) -> None:
        self.buckets: dict[int, list[tuple[float, int, int]]] = {}  # (ready, cid, teu)
        self.keys: list[int] = []  # the buckets' keys, ascending
        self.unsorted: set[int] = set()  # buckets appended to since they were last sorted
        self.present: deque[tuple[float, int, int]] = deque()

    def push(self, ready: float, cid: int, teu: int) -> None:
        key = int(ready // _BUCKET_H)
        bucket = self.buckets.get(key)
        if bucket is None:
            self.buckets[key] = [(ready, cid, teu)]
            keys = self.keys
            if not keys or key > keys[-1]:
                keys.append(key)
            else:
                bisect.insort(keys, key)
        else:
            bucket.append((ready, cid, teu))
            self.unsorted.add(key)

    def _sorted(self, key: int) -> list[tuple[float, int, int]]:
        bucket = self.buckets[key]
        if key in self.unsorted:
            bucket.sort(key=_READY)  # stable: ties stay in queued order
            self.unsorted.discard(key)
        return bucket

    def advance(self, now: float) -> None:
        """Move the containers ready by ``now`` to the FIFO, in ready order."""
        keys = self.keys
        taken = 0
        while taken < len(keys):
            key = keys[taken]
            bucket = self._sorted(key)
            if bucket[-1][0] <= now:  # the whole bucket is ready
                self.present.extend(bucket)
                del self.buckets[key]
                taken += 1
                continue
            if bucket[0][0] <= now:  # part of it
                i = bisect.bisect_right(bucket, now, key=_READY)
                self.present.extend(bucket[:i])
                del bucket[:i]
            break
        if taken:
            del keys[:taken]

    def next_ready(self) -> float:
        return self._sorted(self.keys[0])[0][0] if self.keys else _INF

    def full_at(self, capacity: float) -> float:
        """When a vehicle boarding FIFO would be full with the containers known now.

        Full means the load equals the capacity, or the next container does not fit. Returns
        the ready time of the container that makes it so (infinity if never).
        """
        load = 0
        for ready, _, teu in self.present:
            if load + teu > capacity:
                return ready
            load += teu
            if load >= capacity:
                return ready
        for key in self.keys:
            for ready, _, teu in self._sorted(key):
                if load + teu > capacity:
                    return ready
                load += teu
                if load >= capacity:
                    return ready
        return _INF

    def board(self, capacity: float) -> list[tuple[float, int, int]]:
        """Take ready containers first in, first out, while they fit."""
        out: list[tuple[float, int, int]] = []
        load = 0
        present = self.present
        while present and load + present[0][2] <= capacity:
            item = present.popleft()
            load += item[2]
            out.append(item)
        return out


_READY = operator.itemgetter(0)  # a queued container's ready time
