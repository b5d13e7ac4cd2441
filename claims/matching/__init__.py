"""Claim memory: has this claim been checked before? Text cleaning, embeddings and the re-rank.

Pure Python and numpy, no Django import: the database side (first stage) is in
``claims.selectors_matching``. See docs/design.md, "Claim memory".
"""
