"""mscqa: answers about MSC research, only as verbatim quotes from the clinic's articles."""

__version__ = "0.1.0"
