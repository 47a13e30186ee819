"""What the project makes, as package data: site configs, the catalog as rules, report and demo
templates, classifier vocabularies, the demo's bibliographic facts, trained models and their cards.

Read it with :func:`gongkai.resources.corpus_path` (``importlib.resources``), never by a path
relative to a checkout: installed from a wheel there is no checkout.
"""
