"""Change: what a new version of a spec changes for the client's callers, and the
packages' changelog."""
