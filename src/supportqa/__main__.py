"""`python -m supportqa` runs the command line."""

from supportqa.cli import main

main()
