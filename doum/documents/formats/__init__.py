"""One module per input format; each defines a class implementing
:class:`~doum.documents.parser.DocumentParser`."""
