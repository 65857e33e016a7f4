"""The stats-file parser, one module per job (see ``formats/stats_file.py`` for the public names).

layout -> rejects -> names -> weapons -> records -> header -> identity -> reference ->
per_line -> whole_file -> parser: each module imports only from those before it.
"""
