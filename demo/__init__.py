"""The demo government sites: generated from real data at run time, served on 127.0.0.1."""
