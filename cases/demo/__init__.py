"""Demo data for `make run`: people, queues and cases walked through their workflows by the
services, so that what a visitor sees (histories, timers, notifications) is what real use makes."""
