"""Coordination signals: each module turns canonical posts into account pairs or account features."""
