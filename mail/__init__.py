"""Mail's ways in: the mail server's pipe and Maildirs (`manage.py ingest_email`) and the IMAP
mailboxes read by Celery beat. Each stores the raw message and hands it to the one door,
`services.inbound`."""
