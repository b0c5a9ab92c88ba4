"""The request path of every operation of the contract, one module per step in the order a request meets them:

    route → prefer → authenticate → admit → body_limit → validate → reply

``errors`` turns every failure into the contract's ``{"error"}``; ``middleware`` runs the steps.
"""
