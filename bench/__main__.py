"""Run the gateway's benchmarks and write ``bench/results/latest.json`` and ``latest.md``.

    python -m bench                    # everything (under 15 minutes on 2 cores)
    python -m bench --quick            # smaller counts: a smoke run of a minute or two
    python -m bench --only latency,cpu # some of: latency, throughput, cpu, streams, startup, live, production, local

The gateway (and the relay baseline) run pinned to the first core, the fake upstream, the load generator and
this process to the second, when there are two. Everything runs on 127.0.0.1. Each service's output goes to
``bench/results/logs/<service>.log`` (replaced on every run).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from bench.common import (
    LOG_DIR,
    RESULTS_DIR,
    BenchResult,
    Row,
    code_fingerprint,
    log,
    machine_busy_fraction,
    machine_busy_seconds,
    pin_self,
    plan_pinning,
    raise_nofile,
    steal_seconds,
)
from bench.context import Context

# Name -> module with ``run(ctx) -> BenchResult``, in running order.
BENCHMARKS: dict[str, str] = {
    "latency": "bench.latency",
    "throughput": "bench.throughput",
    "cpu": "bench.cpu",
    "streams": "bench.streams",
    "startup": "bench.startup",
    "live": "bench.live_schemas",
    "production": "bench.production_layer",
    "local": "bench.local_model",
}
BUSY_THRESHOLD = 0.15


class LoadMeter:
    """CPU used on the machine by processes other than this run (this process and the children it reaped),
    as a share of all cores over wall time: ``/proc/stat`` busy time minus ``os.times()`` of this process tree."""

    def __init__(self) -> None:
        self._machine = machine_busy_seconds()
        self._ours = _own_cpu_seconds()
        self._wall = time.perf_counter()

    def foreign_share(self) -> float:
        machine = machine_busy_seconds() - self._machine
        ours = _own_cpu_seconds() - self._ours
        wall = time.perf_counter() - self._wall
        return max(0.0, machine - ours) / max(1e-9, wall * (os.cpu_count() or 1))


def _own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _runner(name: str) -> Callable[[Context], BenchResult]:
    module = importlib.import_module(BENCHMARKS[name])
    run: Callable[[Context], BenchResult] = module.run
    return run


def _git_revision() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5, check=False
        )
        dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    revision = done.stdout.strip() or None
    return f"{revision}+dirty" if revision and dirty.stdout.strip() else revision


def _format(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "ratio":
        return f"{value:.3f}"
    text = f"{value:.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return f"{text} {unit}".strip()


def _target(row: Row) -> str:
    if row.target is None:
        return "-"
    return f"{row.comparison} {_format(row.target, row.unit)}"


def render_markdown(meta: dict[str, Any], results: list[BenchResult]) -> str:
    """The results table (metric, measured, target, met?) with a short header about the run."""
    pinning = meta["pinning"]
    lines = [
        f"# gateway benchmarks ({'quick' if meta['quick'] else 'full'} run)",
        "",
        f"{meta['finished']}, {meta['cpus']} CPUs, Python {meta['python']}, git {meta['git']}; "
        f"gateway on CPU {pinning['gateway_cpus']}, fake upstream + load on CPU {pinning['fake_and_load_cpus']}"
        + ("" if pinning["pinned"] else " (not pinned: fewer than 2 cores)")
        + f"; {meta['seconds']:.0f} s in all.",
        "",
    ]
    loads = ", ".join(f"{result.name} {result.foreign_load:.0%}" for result in results)
    if meta["machine_busy"]:
        lines += [
            f"**Machine busy** (threshold {BUSY_THRESHOLD:.0%}): {meta['busy_before']:.0%} busy just before the run; "
            f"CPU used by other processes during each benchmark, share of the machine: {loads}. "
            "Figures may be pessimistic.",
            "",
        ]
    else:
        lines += [f"Machine quiet: {meta['busy_before']:.0%} busy before; other processes during each: {loads}.", ""]
    stolen = ", ".join(f"{result.name} {result.stolen:.0%}" for result in results)
    lines += [
        f"Time the hypervisor took from the gateway's core (steal), per benchmark: {stolen}. A stolen core pauses"
        " every request in flight: tail latencies are pessimistic when this is more than a few percent.",
        "",
    ]
    codes = meta["code_fingerprints"]
    if len(codes) > 1 or any("->" in code for code in codes):
        per = ", ".join(f"{result.name} {result.code}" for result in results)
        lines += [
            f"**The code under test changed during the run** (git {meta['git']} -> {meta['git_after']}; "
            f"gateway/ fingerprint per benchmark: {per}): benchmarks measured different code.",
            "",
        ]
    lines += ["| metric | measured | target | met? | notes |", "| --- | --- | --- | --- | --- |"]
    for result in results:
        if result.error:
            lines.append(f"| **{result.name}** | failed | - | no | {result.error.splitlines()[-1][:200]} |")
        for row in result.rows:
            met = {True: "yes", False: "**no**", None: "-"}[row.met]
            note = row.note.replace("|", "/")
            lines.append(f"| {row.metric} | {_format(row.value, row.unit)} | {_target(row)} | {met} | {note} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smaller counts, for a smoke run (~1-2 min)")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--strict", action="store_true", help="refuse to run on a busy machine")
    args = parser.parse_args(argv)
    names = list(BENCHMARKS)
    if args.only:
        names = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = [name for name in names if name not in BENCHMARKS]
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")

    os.chdir(RESULTS_DIR.parent.parent)  # the repository root: `-m tests.fake_openai`, `schemas/`
    for old_log in LOG_DIR.glob("*.log"):  # each run keeps only its own service logs
        old_log.unlink()
    started = time.perf_counter()
    git_before = _git_revision()
    busy_before = machine_busy_fraction(1.0)
    if busy_before > BUSY_THRESHOLD:
        message = f"the machine is {busy_before:.0%} busy before the run (threshold {BUSY_THRESHOLD:.0%})"
        if args.strict:
            print(f"bench: refusing to run: {message}", file=sys.stderr)
            return 2
        log(f"WARNING: {message}; results will be marked machine_busy")

    pinning = plan_pinning()
    pin_self(pinning.load_cpus)
    nofile = raise_nofile()
    ctx = Context(pinning=pinning, quick=args.quick)
    results: list[BenchResult] = []
    for name in names:
        log(f"== {name}")
        began = time.perf_counter()
        meter = LoadMeter()
        stolen_before = steal_seconds(pinning.server_cpus)
        code_before = code_fingerprint()
        try:
            result = _runner(name)(ctx)
        except Exception as exc:  # one failing benchmark must not lose the others' results
            log(f"{name} FAILED: {exc!r}")
            result = BenchResult(name, error="".join(traceback.format_exception(exc))[-4000:])
        result.seconds = round(time.perf_counter() - began, 1)
        result.foreign_load = round(meter.foreign_share(), 3)
        stolen = steal_seconds(pinning.server_cpus) - stolen_before
        result.stolen = round(stolen / max(1e-9, result.seconds * len(pinning.server_cpus)), 3)
        code_after = code_fingerprint()
        result.code = code_before if code_after == code_before else f"{code_before} -> {code_after}"
        if code_after != code_before:
            log(f"WARNING: the gateway's code changed during {name}")
        log(f"== {name} done in {result.seconds:.0f} s (other processes used {result.foreign_load:.0%} of the machine)")
        results.append(result)

    pin_self(pinning.all_cpus)
    busy_after = machine_busy_fraction(1.0)
    meta: dict[str, Any] = {
        "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
        "quick": args.quick,
        "benchmarks": names,
        "seconds": round(time.perf_counter() - started, 1),
        "machine_busy": max([busy_before, *(result.foreign_load for result in results)]) > BUSY_THRESHOLD,
        "busy_before": round(busy_before, 3),
        "busy_after": round(busy_after, 3),
        "busy_threshold": BUSY_THRESHOLD,
        "pinning": pinning.describe(),
        "cpus": os.cpu_count(),
        "open_files_limit": nofile,
        "python": platform.python_version(),
        "git": git_before,
        "git_after": _git_revision(),
        "code_fingerprints": sorted({result.code for result in results}),
    }
    document = {
        "meta": meta,
        "rows": [row.to_dict() for result in results for row in result.rows],
        "benchmarks": {
            result.name: {
                "seconds": result.seconds,
                "foreign_load": result.foreign_load,
                "stolen_from_gateway_cores": result.stolen,
                "code": result.code,
                "error": result.error,
                "details": result.details,
            }
            for result in results
        },
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "latest.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    markdown = render_markdown(meta, results)
    (RESULTS_DIR / "latest.md").write_text(markdown)
    print(markdown)
    return 1 if any(result.error for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
