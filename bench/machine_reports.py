"""How long do the machine-readable reports take for QEMU (20,000 files), and how big are they?

    python bench/machine_reports.py              # the synthetic QEMU audit of bench/report.py
    python bench/machine_reports.py --real       # the pipeline's audit (minutes when cold)

Renders findings.json, findings.sarif, sbom.spdx.json, sbom.cdx.json, NOTICE.txt, summary.md
and the GitHub annotations from one audit of the real QEMU 7.2 tree (by default the synthetic
audit of :mod:`bench.report`: every real path, SPDX tags and copyright lines read from the
files, findings with real evidence lines; no ScanCode run), each timed on its own, with its
size and gzip size (GitHub's SARIF upload limit is 10 MB gzipped). Saved as
bench/results/machine-reports[-synthetic].json.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.common import fetch_corpus, save  # noqa: E402
from bench.report import real_audit, synthetic_audit  # noqa: E402
from openesx_license.reports import ReportFormat, formatter_class  # noqa: E402

FORMATS = [f for f in ReportFormat if f is not ReportFormat.HTML]  # HTML: bench/report.py


def main(argv: list[str] | None = None) -> int:
    """Render every machine format of the QEMU audit and save the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", action="store_true", help="run the pipeline's audit")
    args = parser.parse_args(argv if argv is not None else [])
    root = fetch_corpus("qemu")
    start = time.perf_counter()
    result = real_audit(root) if args.real else None
    kind = "real" if result is not None else "synthetic"
    if result is None:
        result = synthetic_audit(root)
    payload: dict[str, object] = {
        "audit": kind,
        "corpus": str(root),
        "files": len(result.scan.files),
        "findings": len(result.findings),
        "audit_seconds": round(time.perf_counter() - start, 1),
    }
    for fmt in FORMATS:
        formatter = formatter_class(fmt)()
        start = time.perf_counter()
        text = formatter.render(result)
        seconds = time.perf_counter() - start
        data = text.encode("utf-8")
        payload[fmt.value] = {
            "file": formatter.filename or "(stdout)",
            "seconds": round(seconds, 2),
            "size_mb": round(len(data) / 2**20, 2),
            "gzip_mb": round(len(gzip.compress(data)) / 2**20, 2),
        }
        print(f"{fmt.value:10} {seconds:7.2f} s  {len(data) / 2**20:7.2f} MiB", flush=True)
    path = save("machine-reports" if kind == "real" else "machine-reports-synthetic", payload)
    print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
