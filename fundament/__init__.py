"""fundament: the province's digital foundation as code (network, datacenter, workplace)."""

__version__ = "0.1.0"
