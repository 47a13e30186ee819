"""``gongkai serve``: Run the nightly Prefect deployment (cron 02:00 Asia/Shanghai) on this machine."""

from flows.commands.common import not_built

serve = not_built("serve", 8, "Run the nightly Prefect deployment (02:00 Asia/Shanghai).")
