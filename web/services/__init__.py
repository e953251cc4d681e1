"""The service layer: the one place that turns rows into matcher inputs and commits."""
