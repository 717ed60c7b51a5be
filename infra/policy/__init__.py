"""The datacenter's policies: plain rules (rules.py) and the pulumi-policy pack running them (__main__.py)."""
