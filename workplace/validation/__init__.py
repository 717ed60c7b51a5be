"""The workplace validation suite: one or more testinfra audits per baseline control, plus the base,
software and accessibility checks. It runs against any target testinfra reaches (docker://, ssh://)."""
