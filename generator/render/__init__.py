"""Render: the model classes decided from the schemas; every file through one template."""
