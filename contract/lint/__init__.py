"""The contract's lint: every problem of a document as a finding with its file, line, column and rule id.

:mod:`.runner` reads the files (:mod:`contract.source`), bundles them and runs the rules: the OpenAPI rules of
:mod:`.openapi` and :mod:`.structure` (what Spectral's ``spectral:oas`` ruleset and openapi-spec-validator
check) and the house rules of :mod:`.house` (our conventions); :mod:`.config` reads which are turned down or off.
"""
