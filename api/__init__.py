"""The REST API (docs/api.md) over the services of the core."""
