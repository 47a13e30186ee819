"""Site configs load from YAML; a bad one is one clear error naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from gongkai.models.errors import ConfigError
from gongkai.models.siteconfig import load_site_config, load_site_configs

GOOD = """\
name: hongshan
agency: 石狮市鸿山镇人民政府
start_urls: [http://127.0.0.1:8801/xxgk/]
allowed_hosts: [127.0.0.1:8801]
delay_seconds: 1.0
max_pages: 5000
"""


def test_loads_a_good_config(tmp_path: Path) -> None:
    path = tmp_path / "hongshan.yaml"
    path.write_text(GOOD, encoding="utf-8")
    config = load_site_config(path)
    assert config.agency == "石狮市鸿山镇人民政府"
    assert config.allowed_hosts == ["127.0.0.1:8801"]
    assert [c.name for c in load_site_configs(tmp_path)] == ["hongshan"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("max_pages: 5000", "max_pages: lots"), "field 'max_pages'"),
        (GOOD.replace("name: hongshan", "name: 鸿山"), "field 'name'"),
        (GOOD + "colour: red\n", "field 'colour'"),
        (GOOD.replace("allowed_hosts: [127.0.0.1:8801]\n", ""), "field 'allowed_hosts'"),
        ("name: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "must be a mapping"),
    ],
)
def test_bad_config_names_file_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_site_config(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such site config"):
        load_site_config(tmp_path / "nope.yaml")
