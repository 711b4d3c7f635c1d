"""The HTTP face of the gateway: the app, the extraction endpoints, docs, catalogue, health, and request logs."""
