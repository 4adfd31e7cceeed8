"""The web pages' shared foundation: the front door, the accounts pages, the header and the
template tags and form rendering that the portal and the agent workspace build on."""
