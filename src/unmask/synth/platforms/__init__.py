"""One scenario on several platforms: which platform each post lands on, each person's account there,
and a writer per platform that speaks that platform's own export layout.

The X-only run (the default) keeps its three layouts; with several platforms every platform writes one
file, so a folder ingests each post exactly once.
"""
