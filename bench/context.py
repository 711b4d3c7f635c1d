"""What every benchmark is handed: the pinning plan, quick or full counts, and the captured upstream payload."""

from __future__ import annotations

from dataclasses import dataclass

from bench.common import Pinning, UpstreamRequests, capture_upstream_requests


@dataclass
class Context:
    pinning: Pinning
    quick: bool

    def upstream_requests(self) -> UpstreamRequests:
        """The chat-completions bodies the gateway sends for ``user_detail`` (captured once per run)."""
        return capture_upstream_requests(self.pinning)

    def pick(self, full: int, quick: int) -> int:
        """A count: ``full`` normally, ``quick`` under ``--quick``."""
        return quick if self.quick else full
