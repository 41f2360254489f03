"""Extractors: pure functions from a segmented story to facts with spans."""
