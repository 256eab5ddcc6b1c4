"""Demo world generator and local vendor-API server for "acme"."""
