"""The Hissuno mock server: the contract's operations answered with seeded data, real keys and rate limits."""
