"""API views, one module per area: thin, each looks up, validates and calls one service."""
