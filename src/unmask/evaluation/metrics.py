"""Agreement between two labellings of the same accounts: contingency table and adjusted Rand index.

Written out here (a dozen lines) rather than taken from scikit-learn, which unmask does not otherwise
need. The ARI follows Hubert & Arabie (1985): 1 for identical partitions (up to label names), about 0
for a labelling no better than chance, negative below chance.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from math import comb

from unmask.errors import InputError


@dataclass(frozen=True)
class Contingency:
    """Counts of items per (row label, column label); labels sorted by size, then by name."""

    rows: list[str]
    columns: list[str]
    counts: list[list[int]]

    @property
    def total(self) -> int:
        return sum(map(sum, self.counts))

    def majority(self) -> dict[str, tuple[str, int, int]]:
        """Each row's most common column, its count and the row's total."""
        return {
            row: (self.columns[counts.index(max(counts))], max(counts), sum(counts))
            for row, counts in zip(self.rows, self.counts, strict=True)
        }

    def purity(self) -> float:
        """Share of items whose row's most common column is theirs (1: every row is one column)."""
        return sum(top for _, top, _ in self.majority().values()) / self.total if self.total else 0.0

    def with_rows(self, order: list[str]) -> Contingency:
        """The same table with its rows in `order` (rows left out of it keep their place after it)."""
        rows = [r for r in order if r in self.rows] + [r for r in self.rows if r not in order]
        return Contingency(rows, self.columns, [self.counts[self.rows.index(r)] for r in rows])


def contingency(found: Mapping[Hashable, str], truth: Mapping[Hashable, str]) -> Contingency:
    """Cross-tabulate two labellings over the items they share."""
    pairs = Counter((found[item], truth[item]) for item in found.keys() & truth.keys())
    rows = _by_size(Counter(row for row, _ in pairs.elements()))
    columns = _by_size(Counter(column for _, column in pairs.elements()))
    return Contingency(rows, columns, [[pairs[(r, c)] for c in columns] for r in rows])


def _by_size(counter: Counter) -> list[str]:
    return sorted(counter, key=lambda label: (-counter[label], str(label)))


def adjusted_rand_index(table: Contingency) -> float:
    """The adjusted Rand index of the two labellings a contingency table crosses."""
    n = table.total
    if n < 2:
        raise InputError("the adjusted Rand index needs at least two items")
    index = sum(comb(cell, 2) for row in table.counts for cell in row)
    rows = sum(comb(sum(row), 2) for row in table.counts)
    columns = sum(comb(sum(column), 2) for column in zip(*table.counts, strict=True))
    expected = rows * columns / comb(n, 2)
    maximum = (rows + columns) / 2
    if maximum == expected:  # both labellings trivial (one group, or all singletons): they agree
        return 1.0
    return (index - expected) / (maximum - expected)
