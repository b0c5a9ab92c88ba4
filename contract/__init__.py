"""The contract's own tooling: load and bundle the OpenAPI documents, lint them, review a change to them."""
