"""flexemu: a local emulator of the Flexible Engine cloud."""

__version__ = "0.1.0"
