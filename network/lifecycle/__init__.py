"""The config lifecycle: plan, apply (commit-confirm driven by post-checks), rollback, backup, drift.

Nornir runs plain task functions (tasks.py) on every selected device in parallel; the stages here compose
them and return typed outcomes. Rendering and checks are passed in, so this package only drives devices.
"""
