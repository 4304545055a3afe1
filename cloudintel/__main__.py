"""`python -m cloudintel` runs the command line."""

from cloudintel.cli import app

app(prog_name="cloudintel")
