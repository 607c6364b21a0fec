"""Passages -> quotes or "not covered", statement verdicts, conversation turns; the learned
scorers' inference."""
