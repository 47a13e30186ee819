"""``python -m gongkai`` is the ``gongkai`` command."""

from gongkai.flows.cli import main

if __name__ == "__main__":
    main()
