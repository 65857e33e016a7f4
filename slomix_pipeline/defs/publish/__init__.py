"""Discord publishing: the ``discord_*_posts`` assets, their sensor and the gate verdict read."""
