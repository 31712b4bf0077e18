"""Built-in scenario generator: a Spamouflage-like campaign hidden in organic Canadian political traffic.

`generate` writes the same scenario as X API v2 JSONL, an X Information Operations archive CSV and QUT
coordination-toolkit CSV, plus truth.csv; `load_truth` reads the answer key back for evaluation.
"""

from unmask.synth.config import DIFFICULTIES
from unmask.synth.generate import SynthSummary, generate
from unmask.synth.truth import load_truth

__all__ = ["DIFFICULTIES", "SynthSummary", "generate", "load_truth"]
