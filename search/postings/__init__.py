"""Posting lists and per-document columns as arrays, and the numpy evaluator over them."""
