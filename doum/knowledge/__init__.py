"""Knowledge bases (지식베이스): their access lists, documents and chunks.

Service functions take a :class:`~doum.accounts.principal.Principal` and enforce the
access list inside their SQL queries.
"""
