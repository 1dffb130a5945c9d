"""The drafting studio: templates, project facts, grounded generation, editing tools
(summarise, proofread, plain language, translate), HWPX/DOCX export and the shared
prompt / use-case library.

Services (keyword arguments, a SQLAlchemy session, a :class:`~doum.accounts.principal.Principal`
and an :class:`~doum.accounts.service.Auditing` for changes):

* :mod:`~doum.drafting.templates` — ``list_templates``, ``get_template``,
  ``resolve_template``, ``create_template``, ``update_template``, ``delete_template``,
  ``copy_template``; shipped defaults in :mod:`~doum.drafting.defaults`.
* :mod:`~doum.drafting.facts` — ``fill_fields``, ``save_fact_set``, ``list_fact_sets``.
* :mod:`~doum.drafting.drafts` / :mod:`~doum.drafting.attachments` — drafts, files,
  revisions.
* :class:`~doum.drafting.generate.DraftGeneration` — one streamed, audited generation.
* :class:`~doum.drafting.tools.ToolRun`, ``apply_suggestion`` — the editing tools.
* :mod:`~doum.drafting.export` — ``export_draft`` / ``render`` to hwpx, docx, md, txt.
* :mod:`~doum.drafting.library` — ``share``, ``search_library``, ``set_like``,
  ``copy_item``.

Nothing here imports the web layer; the web routes, the CLI and the benchmark call
these services.
"""
