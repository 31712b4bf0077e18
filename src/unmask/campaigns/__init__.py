"""From signals to campaigns: fuse the edges, find communities, score them and summarise them."""
