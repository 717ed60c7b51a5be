"""Migrations: the design rolled out as ordered change sets, wave by wave, through the config lifecycle.

The record of what is applied lives on the devices themselves: every config a migration renders opens with a
comment line naming the migrations it contains (state.py). A team shares it because it is the network's own
state, it survives any laptop, and `net backup` puts it in git with the rest of each config.
"""
