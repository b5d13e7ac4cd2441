"""Writes: every change to the domain goes through a function in this package."""
