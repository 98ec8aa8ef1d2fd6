"""pyapigen: typed Python packages (models, clients, server stubs) from OpenAPI specs."""

__version__ = "0.1.0"
