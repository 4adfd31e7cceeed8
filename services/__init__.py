"""Every write other than a bare status change: the layer between the entrances (API, pages,
admin, demo data) and the workflows. Each function is keyword-only, named `<thing>_<verb>`."""
