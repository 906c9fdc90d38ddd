"""The pages of registration, a module per area (urls.py lists them)."""
