"""What one address may cost us per minute, counted once for all workers: requests, bytes, CPU.

Issue 17: a limit of 30 requests a minute counted by each gunicorn worker on its own let one
address through `workers ×` the limit, and since every answer (429s too) counted toward
gunicorn's `max_requests`, workers restarted about every second under a flood and forgot
their counts: 989 explains got through in 20 s. And a count of requests is not what hurts:
one OCR request costs seconds of CPU, one page view a millisecond.

So each address has a budget per fixed one-minute window, of
- POST requests (`BILL_EXPLAINER_RATE_LIMIT`, 30),
- bytes sent to us (`BILL_EXPLAINER_BYTES_BUDGET`, in MB, 100),
- CPU seconds spent answering it, in the worker and its reading children
  (`BILL_EXPLAINER_CPU_BUDGET`, 30: a quarter of a two-core machine's minute).
A request is refused (429) when the address has spent any of them in this window. Bytes
are charged before the body is read (Content-Length), CPU after the answer is made.

The counts live in one small shared-memory table that every worker maps: a file opened in
/dev/shm (or the temporary folder) by the master before it forks the workers and unlinked
at once, so nothing is left behind and nothing else can open it. Workers lock it with
`fcntl.lockf`, which the kernel releases if a worker dies holding it (a semaphore would stay
locked forever). The table holds no address and nothing from any paper: only a 64-bit
salted hash of the address (the salt is random per server start and kept in memory), and
three counters. It has a fixed number of slots; when an address finds its few slots taken
it shares one with another address, which can only make both stricter.
"""

from __future__ import annotations

import fcntl
import hashlib
import mmap
import os
import secrets
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

SLOTS = 8192
PROBES = 16
_HEADER = struct.Struct("<q")  # the window index the counts belong to
_SLOT = struct.Struct("<QQQQ")  # key, requests, bytes, CPU microseconds
_SHARED_FOLDER = "/dev/shm"


@dataclass(frozen=True, slots=True)
class Budget:
    """What one address may spend per window; 0 means that measure is not limited."""

    requests: int
    bytes: int
    cpu_seconds: float
    window_seconds: float = 60.0


@dataclass(frozen=True, slots=True)
class Spent:
    """What one address has spent in the current window."""

    requests: int
    bytes: int
    cpu_seconds: float


class SharedBudget:
    """The per-address counts, in shared memory inherited by forked workers."""

    def __init__(
        self,
        budget: Budget,
        clock: Callable[[], float] = time.monotonic,
        slots: int = SLOTS,
    ) -> None:
        """Make the table (before the workers fork: they share it)."""
        self.budget = budget
        self.clock = clock
        self.slots = slots
        self._salt = secrets.token_bytes(16)
        self._threads = threading.Lock()
        folder = _SHARED_FOLDER if os.path.isdir(_SHARED_FOLDER) else tempfile.gettempdir()
        descriptor, path = tempfile.mkstemp(prefix="bill-explainer-budget-", dir=folder)
        os.unlink(path)  # only the open descriptor keeps it: nothing on disk to clean up
        self._fd = descriptor
        os.ftruncate(descriptor, _HEADER.size + slots * _SLOT.size)
        self._map = mmap.mmap(descriptor, _HEADER.size + slots * _SLOT.size)

    def close(self) -> None:
        """Let go of the table (tests; a server keeps it for its lifetime)."""
        self._map.close()
        os.close(self._fd)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """The table, for this thread alone among all workers (lockf is per process)."""
        with self._threads:
            fcntl.lockf(self._fd, fcntl.LOCK_EX)
            try:
                self._start_window()
                yield
            finally:
                fcntl.lockf(self._fd, fcntl.LOCK_UN)

    def _start_window(self) -> None:
        """Forget every count when a new window has begun."""
        window = int(self.clock() // self.budget.window_seconds)
        (stored,) = _HEADER.unpack_from(self._map, 0)
        if stored != window:
            self._map[_HEADER.size :] = bytes(self.slots * _SLOT.size)
            _HEADER.pack_into(self._map, 0, window)

    def _key(self, address: str) -> int:
        """The salted 64-bit hash that stands for the address (never 0: 0 is an empty slot)."""
        digest = hashlib.blake2b(address.encode(), key=self._salt, digest_size=8).digest()
        return int.from_bytes(digest, "little") or 1

    def _slot(self, key: int) -> int:
        """The offset of the address's slot, claiming an empty one if it has none yet."""
        first = key % self.slots
        for probe in range(PROBES):
            offset = _HEADER.size + ((first + probe) % self.slots) * _SLOT.size
            stored = _SLOT.unpack_from(self._map, offset)[0]
            if stored == key:
                return offset
            if stored == 0:
                _SLOT.pack_into(self._map, offset, key, 0, 0, 0)
                return offset
        return _HEADER.size + first * _SLOT.size  # the table is crowded: share a slot

    def _wait(self) -> float:
        """Seconds until the current window ends."""
        now = self.clock()
        window = self.budget.window_seconds
        return (int(now // window) + 1) * window - now

    def _over(self, spent: Spent) -> bool:
        budget = self.budget
        return (
            (budget.requests > 0 and spent.requests > budget.requests)
            or (budget.bytes > 0 and spent.bytes > budget.bytes)
            or (budget.cpu_seconds > 0 and spent.cpu_seconds >= budget.cpu_seconds)
        )

    def admit(self, address: str, size: int = 0, counted: bool = True) -> float | None:
        """Charge one request (if `counted`) and its bytes: None if allowed, else the wait.

        A refused request is charged too: a flood keeps its address refused.
        """
        with self._locked():
            offset = self._slot(self._key(address))
            key, requests, sent, cpu = _SLOT.unpack_from(self._map, offset)
            requests += 1 if counted else 0
            sent += size
            _SLOT.pack_into(self._map, offset, key, requests, sent, cpu)
            if self._over(Spent(requests, sent, cpu / 1e6)):
                return self._wait()
            return None

    def charge_cpu(self, address: str, seconds: float) -> None:
        """Add the CPU time an answer cost to the address's window."""
        with self._locked():
            offset = self._slot(self._key(address))
            key, requests, sent, cpu = _SLOT.unpack_from(self._map, offset)
            cpu += max(int(seconds * 1e6), 0)
            _SLOT.pack_into(self._map, offset, key, requests, sent, cpu)

    def spent(self, address: str) -> Spent:
        """What the address has spent in this window (for tests and the benchmark)."""
        with self._locked():
            _key, requests, sent, cpu = _SLOT.unpack_from(self._map, self._slot(self._key(address)))
            return Spent(requests, sent, cpu / 1e6)
