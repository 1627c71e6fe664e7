"""The benchmark behind ``make bench``: a synthetic corpus, the real ingest, a fixed query mix.

``python -m bench --n N`` runs it all (see ``bench/__main__.py``); ``bench/results.json`` is
the contract other tools read and ``bench/results.md`` the table for the README.
"""
