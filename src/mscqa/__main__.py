"""`python -m mscqa` runs the command line."""

from mscqa.cli import main

main()
