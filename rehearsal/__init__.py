"""The rehearsal on several nodes (`make rehearsal`): the helpdesk run as in production, three web
processes, two workers and two beats through PgBouncer, driven by simulated customers and agents
while processes are killed, then checked (docs/deploy.md, "The rehearsal")."""
