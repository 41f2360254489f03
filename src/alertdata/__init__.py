"""alertdata: turn conflict-analysis briefs ("alerts") into validated open datasets.

Library API::

    from alertdata import build
    report = build(["seeds/"], "output")

Heavy modules (pandas, pyarrow, pandera, duckdb) load on first use, so that
`alertdata --help` starts fast.
"""
__version__ = "0.1.0"
__all__ = ["build", "inspect_file", "BuildReport", "BuildError", "__version__"]


def __getattr__(name):
    if name in ("build", "inspect_file", "BuildReport", "BuildError"):
        from . import pipeline
        return getattr(pipeline, name)
    raise AttributeError(f"module 'alertdata' has no attribute {name!r}")
