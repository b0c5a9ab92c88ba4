"""The request path of every operation of the contract, one module per step."""
