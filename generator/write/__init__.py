"""Write: ruff over the rendered code; each changed package staged in full and swapped in."""
