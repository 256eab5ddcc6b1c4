"""Shared plumbing for every source: config, HTTP client, record checks, pipeline runner, validation.

Sources import from here and never from each other.
"""
