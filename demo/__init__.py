"""The demo government sites: generated from real data at run time, served on 127.0.0.1."""

from gongkai.demo.generate import GeneratedSite, generate_sites
from gongkai.demo.run import DemoRun, start_demo_sites

__all__ = ["DemoRun", "GeneratedSite", "generate_sites", "start_demo_sites"]
