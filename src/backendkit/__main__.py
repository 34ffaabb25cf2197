"""``python -m backendkit``."""

from backendkit.cli import main

main()
