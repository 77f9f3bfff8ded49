"""Tests of the engine: posting, numbering, valuation, warranties, stateful inventory."""
