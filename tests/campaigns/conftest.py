"""The planted scenario (unmask.synth.planted), re-exported here for older test modules."""

from unmask.synth.planted import build_planted

__all__ = ["build_planted"]
