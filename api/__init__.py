"""The REST API: the contract of spec/api.md over the services of the core."""
