"""``python -m backendkit``."""

from backendkit.launch import main

main()
