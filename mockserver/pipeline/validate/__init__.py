"""Request validation (400, 422)."""
