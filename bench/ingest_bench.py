"""Ingest and extraction speed on the whole GB 50016 text (433 clauses), on one core.

    .venv/bin/python bench/ingest_bench.py [--text FILE] [--repeats 5] [--json]

Pins itself to one CPU (sched_setaffinity), then measures, in one process, the median of
`--repeats` runs of:
  parse    read + decode + parse the text (the baseline);
  extract  parse + rule extraction of every clause (spaCy pipeline already built) + gates;
  ingest   parse + extraction + the graph write (graph/ingest.py, one transaction) into a
           LadybugDB store that already holds the built-in pack (a fresh store each run);
and once, cold: the first extraction in the process (spaCy import and pipeline build).
Ratios are against the parse baseline. The goal (issue 4): ingest under 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_TEXT = REPO.parent / "shared" / "corpus" / "GB50016-2014(2018)_full.txt"
STANDARD = "GB 50016-2014(2018)"


CPU: dict[str, float] = {}


def _median(fn, repeats: int, name: str = "") -> tuple[float, list[float]]:
    """Median wall-clock seconds of `repeats` runs; the median CPU seconds of the process go to
    CPU[name] (other work on a shared machine inflates wall-clock, not CPU time)."""
    times, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    CPU[name] = statistics.median(cpu)
    return statistics.median(times), times


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--text", type=Path, default=DEFAULT_TEXT)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    from extraction.parser import parse_standard
    from extraction.registry import get_extractor, run_extractor
    from extraction.text import read_text_file
    from graph.ingest import ingest_standard
    from graph.ladybug_store import LadybugStore
    from graph.open import ensure_builtin_pack

    def parse():
        return parse_standard(read_text_file(args.text))

    started = time.perf_counter()
    extractor = get_extractor("rules")
    parsed = parse()
    run_extractor(extractor, [(c.number, c.extraction_text) for c in parsed.clauses])
    cold = time.perf_counter() - started

    def extract():
        standard = parse()
        return run_extractor(extractor, [(c.number, c.extraction_text) for c in standard.clauses])

    with tempfile.TemporaryDirectory() as tmp:
        stores = []
        for index in range(args.repeats):
            store = LadybugStore(Path(tmp) / f"bench-{index}.lbdb")
            ensure_builtin_pack(store)
            stores.append(store)
        pending = list(stores)
        results = []

        def ingest():
            store = pending.pop(0)
            results.append(ingest_standard(store, parse(), STANDARD, extractor))

        parse_s, parse_all = _median(parse, args.repeats, "parse")
        extract_s, extract_all = _median(extract, args.repeats, "extract")
        ingest_s, ingest_all = _median(ingest, args.repeats, "ingest")
        for store in stores:
            store.close()

    stats = results[-1]
    report = {
        "text": str(args.text), "clauses": stats.clauses, "items": stats.items, "tables": stats.tables,
        "notes": stats.notes, "references": stats.references, "rules": stats.rules,
        "gate_failures": stats.gate_failures, "repeats": args.repeats, "cpus": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity") else None,
        "parse_s": round(parse_s, 4), "extract_s": round(extract_s, 4), "ingest_s": round(ingest_s, 4),
        "extract_ratio": round(extract_s / parse_s, 1), "ingest_ratio": round(ingest_s / parse_s, 1),
        "cold_first_extraction_s": round(cold, 3),
        "cpu_s": {name: round(value, 4) for name, value in CPU.items()},
        "load_average": [round(x, 1) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "runs": {"parse": [round(t, 4) for t in parse_all], "extract": [round(t, 4) for t in extract_all],
                 "ingest": [round(t, 4) for t in ingest_all]},
        "goal_ingest_under_5s": ingest_s < 5.0,
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(f"{report['clauses']} clauses, {report['rules']} rules, 1 CPU, median of {args.repeats}")
        print(f"  parse only          {parse_s:8.3f} s   (baseline)")
        print(f"  parse + extract     {extract_s:8.3f} s   ×{report['extract_ratio']}")
        print(f"  parse + extract + graph write {ingest_s:8.3f} s   ×{report['ingest_ratio']}")
        print(f"  cold first extraction (spaCy import + pipeline) {cold:.3f} s")
        print(f"  CPU seconds (median): {report['cpu_s']}; load average {report['load_average']}")
    return report


if __name__ == "__main__":
    main()
