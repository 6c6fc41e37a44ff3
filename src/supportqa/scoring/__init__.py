"""Scoring: the batch engine that runs scorers, and the pure IQS maths."""
