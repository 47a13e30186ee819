"""Issue #17, real inputs: bad markup, lying encodings, bad import lines, a read-only or missing
database, hostile strings — the record survives, the run goes on, and the operator reads one line.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from gongkai.crawler.html import parse_page
from gongkai.extractors.encoding import decode
from gongkai.flows.cli import cli
from gongkai.flows.commands.common import printable, safe

from gongkai import extractors

META = (
    "<table><tr><td>索引号：</td><td>11000-2024-00017</td></tr>"
    "<tr><td>发文字号：</td><td>示政发〔2024〕17号</td></tr>"
    "<tr><td>发布日期：</td><td>2024-05-06</td></tr></table>"
)
TITLE = "示例县人民政府关于加强政务公开工作的通知"


def page(head: str = "", before: str = "", charset: str = "utf-8") -> str:
    return (
        f'<html><head><meta charset="{charset}">{head}<title>{TITLE}</title></head><body>'
        f"{before}{META}<h1>{TITLE}</h1><div id='zoom'><p>各单位：现将有关事项通知如下。</p>"
        '<p>附件：<a href="files/a.pdf">实施细则.pdf</a></p></div></body></html>'
    )


@pytest.mark.parametrize("base", ["http://[::1", "http://a:port/", "http://[zz]/x/"])
def test_a_malformed_base_href_is_ignored_not_the_record(base: str, caplog: pytest.LogCaptureFixture) -> None:
    """Failure 4: all nine fields null and a 20-line traceback for one bad <base href>."""
    caplog.set_level(logging.WARNING)
    record = extractors.extract(page(f'<base href="{base}">').encode(), "http://x.gov.cn/a/b.html")
    assert record.index_no == "11000-2024-00017" and record.doc_no == "示政发〔2024〕17号"
    assert record.title == TITLE and not [w for w in record.warnings if "failed" in w]
    assert [a.url for a in record.attachments] == [
        "http://x.gov.cn/a/files/a.pdf"
    ]  # resolved on the page URL
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize(
    "nesting", ["<div>" * 300, '<div class="x">' * 300 + "</div>" * 300, "<div><span>" * 280]
)
def test_deeply_nested_divs_keep_the_metadata(nesting: str) -> None:
    """Failure 5: 255+ unclosed or nested <div>s before the block lost every field (libxml2 depth)."""
    markup = page(before=nesting)
    for raw, charset in ((markup.encode(), None), (markup.replace("utf-8", "gbk").encode("gbk"), "gbk")):
        record = extractors.extract(
            raw, "http://x.gov.cn/a/b.html", f"text/html; charset={charset or 'utf-8'}"
        )
        assert record.index_no == "11000-2024-00017" and record.doc_no == "示政发〔2024〕17号"
        assert str(record.published_date) == "2024-05-06"


def test_deeply_nested_list_pages_keep_their_links() -> None:
    body = "<html><body>" + "<div>" * 400 + '<ul><li><a href="/d/1.html">一</a></li></ul></body></html>'
    links = [a.url for a in parse_page(body.encode(), "http://x.gov.cn/list/").anchors()]
    assert links == ["http://x.gov.cn/d/1.html"]


def test_a_mis_declared_encoding_is_one_warning_naming_the_page(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    text = (
        '<html><head><meta charset="gbk"><title>政府信息公開工作年度報告</title></head><body>'
        "<p>關於進一步加強政務公開工作的通知，各區縣人民政府、各部門：現將有關事項通知如下。</p></body></html>"
    )
    big5 = text.encode("big5")  # declared GBK: decodes "cleanly" as GBK mojibake
    record = extractors.extract(big5, "http://x.gov.cn/big5.html")
    assert any("declared as gbk" in w and "big5" in w for w in record.warnings)
    lines = [r.getMessage() for r in caplog.records]
    assert [line for line in lines if "big5.html" in line and "big5" in line]
    assert not [line for line in lines if "Some characters could not be decoded" in line]
    utf8 = extractors.extract(page(charset="gbk").encode(), "http://x.gov.cn/utf8.html")
    assert any("declared as gbk but the page is utf-8" in w for w in utf8.warnings)
    honest = extractors.extract(page(charset="gbk").encode("gbk"), "http://x.gov.cn/gbk.html")
    assert not [w for w in honest.warnings if "declared" in w or "unclear" in w]
    assert decode(b"<html><meta charset=gbk>plain ascii</html>").note is None


#: Lines carry their classification: the classifiers (seconds to load) are not what is tested here.
GOOD = {
    "site": "county",
    "title": "示例县关于印发某办法的通知",
    "published_date": "2024-03-05",
    "doc_type": "normative",
    "needs_interpretation": False,
}


def test_import_docs_keeps_good_lines_and_names_each_bad_one(tmp_path: Path) -> None:
    """Failure 7: one wrongly typed field lost every good line (traceback, 0 of 6, line not named)."""
    lines: list[bytes] = []
    for n in range(6):
        lines.append(json.dumps({**GOOD, "url": f"http://x/{n}"}, ensure_ascii=False).encode())
    lines.insert(1, json.dumps({**GOOD, "url": "http://x/b1", "links": 5}).encode())
    lines.insert(3, json.dumps({**GOOD, "url": "http://x/b2", "interprets": 7}).encode())
    lines.insert(5, b'{"url": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    lines.insert(7, json.dumps({**GOOD, "url": "http://x/b4"}, ensure_ascii=False).encode("gbk"))
    lines.insert(9, json.dumps({**GOOD, "url": "http://x/b5", "links": [{"url": 5, "kind": []}]}).encode())
    path = tmp_path / "docs.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    db = f"sqlite:///{tmp_path / 'g.db'}"
    out = CliRunner().invoke(cli, ["--db", db, "import-docs", str(path)])
    assert out.exit_code == 1, out.output  # some lines were rejected
    assert "imported 6 of 11 documents" in out.output
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    assert [int(line.split(":")[2]) for line in errors] == [2, 4, 6, 8, 10]
    assert "links: expected a list" in errors[0] and "interprets: expected a list" in errors[1]
    assert "nested too deeply" in errors[2] and "not UTF-8" in errors[3]
    assert "Traceback" not in out.output and all(len(line) < 400 for line in errors)


def test_read_commands_refuse_a_database_that_is_not_there(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.db"
    for command in (["docs"], ["gaps"], ["report", "--out", str(tmp_path / "r")], ["explore"]):
        out = CliRunner().invoke(cli, ["--db", f"sqlite:///{missing}", *command])
        assert out.exit_code == 2, (command, out.output)
        assert out.stderr.count("\n") == 1 and "no database at" in out.stderr, (command, out.stderr)
        assert not missing.exists()  # not created empty


def _make_read_only(path: Path) -> str:
    """Make ``path`` unwritable even for root (immutable), or say why that cannot be done."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        return ""
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(path)], capture_output=True).returncode:
        return "running as root without a usable chattr: cannot make a file read-only"
    return ""


def test_a_read_only_database_is_one_line_and_stays_intact(tmp_path: Path) -> None:
    """Failure 8: a 70–80 line SQLAlchemy traceback."""
    db_file = tmp_path / "g.db"
    db = f"sqlite:///{db_file}"
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({**GOOD, "url": "http://x/1"}, ensure_ascii=False) + "\n")
    assert CliRunner().invoke(cli, ["--db", db, "import-docs", str(good)]).exit_code == 0
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({**GOOD, "url": "http://x/2"}, ensure_ascii=False) + "\n")
    why = _make_read_only(db_file)
    if why:
        pytest.skip(why)
    try:
        out = CliRunner().invoke(cli, ["--db", db, "import-docs", str(more)])
        assert out.exit_code == 2
        assert out.stderr.strip().count("\n") == 0 and "read-only" in out.stderr, out.stderr
        docs = CliRunner().invoke(cli, ["--db", db, "docs", "--format", "json"])
        assert docs.exit_code == 0, docs.output
        assert [json.loads(line)["url"] for line in docs.stdout.splitlines()] == ["http://x/1"]
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(db_file)], check=False)
        else:
            db_file.chmod(0o644)


def test_page_strings_reach_the_terminal_without_escape_codes() -> None:
    hostile = "http://x/\x1b[2J\x1b]0;owned\x07a\rb.html"
    for shown in (printable(hostile), safe(hostile)):
        assert not any(ord(ch) < 0x20 or ch == "\x7f" for ch in shown)
    assert printable("正常的标题 ok") == "正常的标题 ok"
