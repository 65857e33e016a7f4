"""Cross-session community datasets: player identity, careers, records and leaderboards (pure)."""
