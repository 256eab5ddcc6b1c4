"""The demo server's routes, one module per vendor (mixins of its request handler)."""
