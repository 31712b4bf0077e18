"""unmask: find coordinated inauthentic behaviour and document it.

The pipeline reads left to right through the sub-packages:
ingest → store → signals → campaigns → documents → web.
"""

__version__ = "0.1.0"
