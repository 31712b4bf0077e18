"""`unmask watch`: ingest files as they land in a folder, re-score what they touch, raise alerts.

files.py decides which files are ready, state.py keeps what the watch took and scored, ledger.py,
edges.py, features.py and graph.py re-score incrementally, tracking.py follows campaigns from step
to step, alerts.py raises and delivers alerts, incremental.py runs one step and loop.py the loop.
"""
