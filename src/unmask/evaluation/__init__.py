"""The evaluation page (docs/evaluation.md): unmask on real data, next to the peer tools, and on its
built-in scenario. `python -m unmask.evaluation` (or `make eval`) regenerates the page and its figures.
"""
