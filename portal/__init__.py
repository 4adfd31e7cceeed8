"""The customer portal (/portal/): customers follow, answer and act on their cases."""
