#!/bin/sh
# An image being built starts no services: packages install without touching the network (no NTP to public
# pools, no log forwarding); the machine that boots the image starts them.
exit 101
