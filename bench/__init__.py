"""Benchmark scripts that print figures; run each as `.venv/bin/python bench/<name>.py`."""
