"""Single source of the package version (read by hatchling and by ``importlib.metadata``)."""

__version__ = "0.1.0.dev0"
