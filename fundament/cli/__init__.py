"""The CLI kit: what every `fundament` command shares, in one place.

- `options`: the shared options, one meaning per flag name across commands;
- `errors`: the one error handler and the one JSON error shape
  (`{"ok": false, "error": ..., "problems": [...]}`);
- `design`: the design (and its migrations) a command acts on.

Domain code never imports this package: commands (`*/cli.py`) sit on top of the domains, and the root command
(`fundament.app`) mounts them.
"""
