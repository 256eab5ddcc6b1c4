"""Per-vendor rendering of the simulated world into the vendors' JSON shapes."""
