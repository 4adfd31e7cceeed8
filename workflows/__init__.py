"""The four case workflows as django-fsm state machines, and the service that runs them."""
