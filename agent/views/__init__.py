"""The agent workspace's views, one module per page (and one for the actions on a case)."""
