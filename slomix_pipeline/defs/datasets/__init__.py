"""Community datasets (group ``datasets``): players, careers, leaderboards, season exports."""
