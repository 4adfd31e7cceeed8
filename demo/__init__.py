"""The demo data `make run` starts with: people, queues and cases walked through the services."""
