"""Spec review for pull requests: lint, breaking-change diff with a semver verdict, conformance, one report.

``hissuno-contract review --base <ref|path>`` loads both sides (:mod:`.loader`), pairs each document's
nodes (:mod:`.align`), runs the rules (:mod:`.rules`), judges the version (:mod:`.semver`) and renders the
result (:mod:`.report`). :mod:`.engine` ties those together; :mod:`.cli` is the command.
"""
