"""Cases: the people, queues, cases and their conversation, history, surveys and releases."""
