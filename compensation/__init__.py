"""compensation: what an offer is worth. Offers, valuation, comparison, premium to win, FX."""
