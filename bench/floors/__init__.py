"""Floors: bare Python (sqlite3 + json) doing a command's reading and printing, run as scripts."""
