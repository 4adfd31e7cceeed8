"""Serializers of the API, one module per area; they validate shapes, services decide rules."""
