"""Training and export of the learned scorers; run by `make train`, never imported at serve time."""
