"""Reports: each module turns a finished :class:`~conformance.results.RunReport` into one format.

They share nothing but the report, so a new format never touches the engine or the other formats.
"""
