"""Draw a simulation's cost-quality sweep and its baselines as a PNG (matplotlib, imported here only)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def plot_sweep(report: dict, out: Path) -> None:
    """The sweep as a curve of cost against quality, each single model, the oracle, random routing and the
    router at its configured tradeoff; written atomically to `out`."""
    os.environ.setdefault("MPLCONFIGDIR", tempfile.gettempdir())  # no font cache in the user's home
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=110)
    sweep = report.get("sweep", [])
    ax.plot([p["cost_usd"] for p in sweep], [p["quality"] for p in sweep], "-o", color="#1f6feb", markersize=3.5,
            label="forge router, cost_quality_tradeoff 0..1")
    for point in sweep[:: max(1, len(sweep) // 5)]:
        ax.annotate(f"{point['cost_quality_tradeoff']:.1f}", (point["cost_usd"], point["quality"]),
                    textcoords="offset points", xytext=(4, -10), fontsize=7, color="#1f6feb")
    router = report["router"]
    ax.plot([router["cost_usd"]], [router["quality"]], "D", color="#0b3d91", markersize=8,
            label=f"router as configured ({router['cost_quality_tradeoff']:g})")
    base = report.get("baselines") or {}
    for model, totals in base.get("single", {}).items():
        ax.plot([totals["cost_usd"]], [totals["quality"]], "s", color="#6e7781", markersize=6)
        ax.annotate(model, (totals["cost_usd"], totals["quality"]), textcoords="offset points", xytext=(5, 4),
                    fontsize=8, color="#57606a")
    if base.get("single"):
        ax.plot([], [], "s", color="#6e7781", label="each model alone")
    if "oracle" in base:
        ax.plot([base["oracle"]["cost_usd"]], [base["oracle"]["quality"]], "*", color="#bf8700", markersize=12,
                label="oracle (cheapest model that succeeds)")
    if "random_same_cost" in base:
        hull = [base["single"][m] for m in base["random_same_cost"]["hull"]]
        ax.plot([t["cost_usd"] for t in hull], [t["quality"] for t in hull], "--", color="#cf222e", linewidth=1,
                label="random mix of single models (their upper hull)")
    ax.set_xlabel("cost of the workload (USD)")
    ax.set_ylabel("quality of the answers kept")
    ax.set_title(f"forge route simulate: {report['tasks']} tasks, mode {report['mode']}")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    from forge import atomic

    try:
        with atomic.replacing(out) as temp:
            fig.savefig(temp, format="png")
    finally:
        plt.close(fig)
