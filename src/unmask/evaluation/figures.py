"""The page's figures, drawn with matplotlib (Agg: no display needed) into docs/img/eval-*.png.

Layouts are seeded so that the same results draw the same picture.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import matplotlib
import pyarrow as pa

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.collections import LineCollection

from unmask.campaigns.fuse import FusedGraph
from unmask.evaluation.synthetic import Scores
from unmask.store import Store

COLOURED_GROUPS = 9  # the largest groups get a colour each; the rest are grey
OTHER = "#c8c8c8"
LAYOUT_SEED = 7
_SAVE = {"dpi": 110, "metadata": {"Software": None}}


def _palette(groups: dict[str, str]) -> dict[str, str]:
    """The largest groups' colours: tab10 without its grey, which stands for the other groups."""
    sizes = Counter(groups.values())
    top = sorted(sizes, key=lambda name: (-sizes[name], name))[:COLOURED_GROUPS]
    colours = [c for i, c in enumerate(plt.get_cmap("tab10").colors) if i != 7]
    return {name: matplotlib.colors.to_hex(colours[i]) for i, name in enumerate(top)}


def _text(value: str) -> str:
    """Data as plain text for matplotlib, which would read `$...$` as mathematics."""
    return value.replace("$", r"\$")


def group_graph(
    graph: FusedGraph, groups: dict[str, str], out: Path, title: str, labels: dict[str, str] | None = None
) -> None:
    """The coordination graph, each account coloured by its group (campaign or community); `labels`
    add a note to a group's legend entry (its dominant category, for a labelled set)."""
    palette = _palette(groups)
    random.seed(LAYOUT_SEED)  # igraph draws its layout's start from Python's random module
    layout = graph.graph.layout_fruchterman_reingold(weights="weight" if graph.graph.ecount() else None)
    xy = layout.coords
    fig, ax = plt.subplots(figsize=(8, 6.5))
    segments = [(xy[a], xy[b]) for a, b in graph.graph.get_edgelist()]
    ax.add_collection(LineCollection(segments, colors="#999999", linewidths=0.2, alpha=0.3, zorder=1))
    colours = [palette.get(groups.get(name, ""), OTHER) for name in graph.accounts]
    ax.scatter([p[0] for p in xy], [p[1] for p in xy], s=14, c=colours, linewidths=0, zorder=2)
    for name, colour in palette.items():
        note = (labels or {}).get(name)
        ax.scatter([], [], s=30, c=colour, label=_text(f"{name}: {note}" if note else name))
    ax.scatter([], [], s=30, c=OTHER, label="other")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.set_axis_off()
    fig.tight_layout()
    fig.savefig(out, **_SAVE)
    plt.close(fig)


def group_timeline(store: Store, groups: dict[str, str], out: Path, title: str) -> None:
    """Posts per day of each coloured group's accounts, one panel per group on a shared time axis."""
    palette = _palette(groups)
    members = pa.table(
        {"acct": list(groups), "name": list(groups.values())},
        schema=pa.schema([("acct", pa.string()), ("name", pa.string())]),
    )
    store.con.register("_eval_members", members)
    try:
        rows = store.con.execute(
            """SELECT m.name, date_trunc('day', p.created_at) AS day, count(*)
            FROM posts p JOIN _eval_members m ON p.platform || ':' || p.account_id = m.acct
            GROUP BY ALL ORDER BY 1, 2"""
        ).fetchall()
    finally:
        store.con.unregister("_eval_members")
    fig, axes = plt.subplots(
        max(len(palette), 1), 1, figsize=(9, 0.9 * max(len(palette), 1) + 0.8), sharex=True, squeeze=False
    )
    for ax, (name, colour) in zip(axes[:, 0], palette.items(), strict=False):
        days = [(day, n) for group, day, n in rows if group == name]
        ax.fill_between([d for d, _ in days], [n for _, n in days], color=colour, linewidth=0)
        ax.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=8)
        ax.tick_params(axis="y", labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0, 0].set_title(title, fontsize=10)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(out, **_SAVE)
    plt.close(fig)


def signal_scores(scores: list[Scores], out: Path, title: str) -> None:
    """Precision, recall and F1 of each signal, feature and of the campaigns, side by side."""
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.27
    positions = range(len(scores))
    for offset, (label, values) in enumerate(
        (
            ("precision", [s.precision for s in scores]),
            ("recall", [s.recall for s in scores]),
            ("F1", [s.f1 for s in scores]),
        )
    ):
        ax.bar([p + (offset - 1) * width for p in positions], values, width, label=label)
    ax.set_xticks(list(positions), [s.name for s in scores], rotation=35, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(title, fontsize=10)
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    fig.savefig(out, **_SAVE)
    plt.close(fig)
