"""Template tags that belong to the cases layer: how what people wrote is shown."""
