"""Entry point of the PyInstaller bundle: the same as the ``ninety`` console script."""
import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
