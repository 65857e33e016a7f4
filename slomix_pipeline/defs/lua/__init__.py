"""Lua round timing assets: ``webhook_drops``, ``gametime_files`` and ``lua_round_teams``."""
