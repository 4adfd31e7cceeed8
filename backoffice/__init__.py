"""The Django admin for managers: an entrance like the API, above the services it calls."""
