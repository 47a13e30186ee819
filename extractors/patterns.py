"""Every label vocabulary and regular expression the extractors use, in one place.

The wording of a disclosure page varies from CMS to CMS (发布机构/发文机关/发文单位/信息来源, 成文日期/
生成日期/公文生成日期/发文日期, 文号/发文字号/备注/文号, 公开方式/公开属性/公开形式 …). The extractors never
spell a label themselves: they read it from here, so supporting a new template is usually one line
in this file, never a per-site branch in the code.
"""

from __future__ import annotations

import re

# --- characters ------------------------------------------------------------------------------

#: Whitespace a page uses inside labels and values: ASCII, no-break, en/em/ideographic spaces,
#: and the zero-width characters CMS editors leave behind.
SPACE_CHARS = (
    " \t\r\n\f\v\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000"
)
INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
SPACE_RUN = re.compile(f"[{SPACE_CHARS}]+")
INVISIBLE_RUN = re.compile(f"[{INVISIBLE_CHARS}]+")
#: One invisible character: to test for any (a search for a "+" run costs twice as much in sre).
INVISIBLE_CHAR = re.compile(f"[{INVISIBLE_CHARS}]")
COLON = "[：:﹕]"
#: Bullets and list markers in front of a text line ("• 索 引 号:…").
LINE_BULLET = re.compile(r"^[\s•·●◆◇■□▪▫►▶➢※\-\*]+")

# --- the metadata block -------------------------------------------------------------------------

#: field → labels, most specific first. The rank of a label (its position) decides between two
#: candidates for one field: 发布机构 beats 来源, 发布日期 beats 时间.
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "title": ("标题", "文件标题", "文件名称", "公文名称", "信息名称", "文章标题", "名称", "题名"),
    "index_no": ("索引号", "信息索引号", "索取号", "索引编号", "索引"),
    "doc_no": (
        "发文字号",
        "文号",
        "发文文号",
        "文件文号",
        "文件字号",
        "文件编号",
        "发文号",
        "发文编号",
        "备注/文号",
        "文号/备注",
    ),
    "registration_no": ("统一登记号", "登记号", "规范性文件登记号", "登记编号", "统一编号"),
    "publisher": (
        "发布机构",
        "发文机关",
        "发文单位",
        "发文机构",
        "发布单位",
        "制发机关",
        "制发单位",
        "成文单位",
        "发布部门",
        "发文部门",
        "办文部门",
        "所属机构",
        "公开责任部门",
        "公开主体",
        "责任部门",
        "信息来源",
        "文章来源",
        "来源",
        # A generic label: on some templates a person (an editor's account), on others the body.
        "发布者",
    ),
    "written_date": (
        "成文日期",
        "公文生成日期",
        "生成日期",
        "发文日期",
        "成文时间",
        "印发日期",
        "制发日期",
        "写作日期",
        "签发日期",
    ),
    "published_date": (
        "发布日期",
        "公开日期",
        "发布时间",
        "公开时间",
        "上网日期",
        "上网时间",
        "发稿时间",
        "发表时间",
        "信息发布日期",
        "日期",
        "时间",
    ),
    "disclosure": (
        "公开方式",
        "公开属性",
        "公开形式",
        "公开类型",
        "信息公开选项",
        "公开选项",
        "是否公开",
    ),
    "topic": ("主题分类", "信息分类", "所属主题", "主题", "分类", "类别"),
    "validity": ("有效性", "效力状态", "时效性", "是否有效", "有效状态", "时效", "效力"),
}

#: For these fields the labels from this index on are generic ("来源", "时间"): they rank below
#: the page's <meta> tags, while the specific labels rank above them.
GENERIC_LABEL_FROM: dict[str, int] = {
    "publisher": FIELD_LABELS["publisher"].index("信息来源"),
    "published_date": FIELD_LABELS["published_date"].index("日期"),
}

#: Labels that are not ours but sit in the same blocks. Knowing them stops a value from running
#: into the next label ("来源：巴彦淖尔日报 编辑：苏亮") and keeps 主题词 from matching 主题.
STOP_LABELS: tuple[str, ...] = (
    "主题词",
    "关键词",
    "关键字",
    "内容概述",
    "内容摘要",
    "摘要",
    "组配分类",
    "体裁分类",
    "体裁",
    "文种",
    "服务对象",
    "废止日期",
    "失效日期",
    "实施日期",
    "施行日期",
    "有效期",
    "生效日期",
    "公开范围",
    "公开时限",
    "责任人",
    "作者",
    "编辑",
    "责任编辑",
    "编者",
    "审核",
    "浏览次数",
    "浏览量",
    "阅读次数",
    "访问量",
    "点击数",
    "点击量",
    "点击率",
    "字号",
    "字体",
    "文章类型",
    "当前位置",
    "您当前的位置",
    "您的位置",
    "所在位置",
    "位置",
    "分享到",
    "分享",
    "打印",
    "附件",
    "相关附件",
    "附件下载",
    "联系电话",
    "电话",
    "地址",
    "邮编",
    "主办单位",
    "承办单位",
    "协办单位",
    "网站标识码",
    "语音播报",
)


def _label_regex(label: str) -> str:
    """A label that may carry spaces between its characters (索 引 号, 标&ensp;&ensp;题)."""
    return r"\s*".join(re.escape(ch) for ch in label)


def _alternation(labels: list[str]) -> str:
    # Longest first, so 发文字号 wins over 文号 and 信息来源 over 来源 at the same position.
    return "|".join(_label_regex(label) for label in sorted(set(labels), key=len, reverse=True))


#: Label text (spaces removed) → (field, rank); stop labels map to (None, 0).
LABEL_INDEX: dict[str, tuple[str | None, int]] = {}
for _field, _labels in FIELD_LABELS.items():
    for _rank, _label in enumerate(_labels):
        LABEL_INDEX.setdefault(_label, (_field, _rank))
for _label in STOP_LABELS:
    LABEL_INDEX.setdefault(_label, (None, 0))

_ALL_LABELS = _alternation(list(LABEL_INDEX))
#: Every known label (field and stop labels), as a regular expression (spaces allowed inside).
ALL_LABELS_PATTERN = _ALL_LABELS
_OPEN = r"[【\[［〔(（<《]?"
_CLOSE = r"[】\]］〕)）>》]?"

_BRACKET_OPEN = "[【\\[［]"
_BRACKET_CLOSE = "[】\\]］]"
#: A label and what ends it: a colon, or nothing after a bracketed label ("[成文日期] 2026-06-22",
#: "【发文字号】京政发〔2018〕1号").
_LABEL_THEN_SEPARATOR = (
    rf"(?:(?P<br>{_BRACKET_OPEN})|{_OPEN})\s*(?P<label>{_ALL_LABELS})\s*"
    rf"(?(br){_BRACKET_CLOSE}\s*{COLON}?|{_CLOSE}\s*{COLON})"
)
#: A label followed by a colon, or by spaces only (lines such as "发布机构　北京市财政局"), or
#: closing the line (its value on the next one).
_LABEL_THEN_SPACE = rf"{_OPEN}\s*(?P<label>{_ALL_LABELS})\s*{_CLOSE}(?:\s*{COLON}|\s+(?=\S)|\s*$)"

#: A line that is only a label: "索 引 号：", "【发文字号】", "成文日期".
LABEL_ONLY_LINE = re.compile(rf"^\s*{_OPEN}\s*(?P<label>{_ALL_LABELS})\s*{_CLOSE}\s*{COLON}?\s*$")
#: A line that starts with a label and a colon: "索引号：000014349/2018-00204 主题分类：…".
LABEL_START_LINE = re.compile(rf"^\s*{_LABEL_THEN_SEPARATOR}")
#: Any known label followed by a colon (or in brackets), further along the same line.
LABEL_IN_LINE = re.compile(_LABEL_THEN_SEPARATOR)
#: A line whose label is separated from its value by spaces only (a tab, an ideographic space).
LABEL_START_SPACED = re.compile(rf"^\s*{_LABEL_THEN_SPACE}")
#: In such a line, every further label that follows a space (a long label also right after the
#: previous value: "琼公积金贷〔2026〕10号发布日期 2026-07-02").
_LONG_LABELS = _alternation([label for label in LABEL_INDEX if len(label) >= 4])
LABEL_IN_SPACED_LINE = re.compile(
    rf"(?:(?:^|(?<=\s)){_LABEL_THEN_SPACE}|(?P<long>{_LONG_LABELS})(?:\s*{COLON}|\s+(?=\S)|\s*$))"
)
#: Lines longer than this are not read as space-separated label lines (running text is).
MAX_SPACED_LABEL_LINE = 240
#: An unknown short label after whitespace ("… 浏览：12"), which also ends the previous value.
GENERIC_LABEL_IN_LINE = re.compile(rf"(?:(?<=\s)|(?<=[|｜丨]))[\u4e00-\u9fff]{{2,6}}\s*{COLON}")

#: First characters of every label: a cheap test before the label regexes run on a line.
LABEL_FIRST_CHARS = frozenset(label[0] for label in LABEL_INDEX)
LINE_OPENERS = " 【[［〔(（<《"

#: Values that mean "none" (文号：无).
ABSENT_VALUES = frozenset(
    {"无", "暂无", "无文号", "空", "-", "--", "—", "——", "－", "/", "／", "\\", "null", "none", "n/a", "nan"}
)

#: 有效性 printed as a yes/no answer ("[有效性] 是", which the page's script shows as 现行有效).
VALIDITY_MAP: dict[str, str] = {"是": "现行有效", "否": "失效"}

# --- <meta> tags (政府网站发展指引, 国办发〔2017〕47号) ---------------------------------------------

META_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("articletitle", "dc.title"),
    "published_date": ("pubdate", "publishdate", "firstpublishedtime", "dc.date", "pubtime"),
    "publisher": ("contentsource", "dc.publisher"),
}
META_SITE_NAME = ("sitename",)
META_COLUMN_NAME = ("columnname",)

#: Separators between an article title and the site name in <title>.
TITLE_SUFFIX_SEPARATORS = re.compile(r"\s*(?:_|\||｜|--| - |—|-{1}(?=[^\d]))\s*")

# --- 公开属性 (BRIEF §1.6) --------------------------------------------------------------------------

DISCLOSURE_MAP: dict[str, str] = {
    "主动公开": "主动公开",
    "公开发布": "主动公开",
    "此件公开发布": "主动公开",
    "此件主动公开": "主动公开",
    "主动": "主动公开",
    "公开": "主动公开",
    "全文公开": "主动公开",
    "依申请公开": "依申请公开",
    "依申请": "依申请公开",
    "此件依申请公开": "依申请公开",
    "不予公开": "不予公开",
    "不公开": "不予公开",
    "此件不公开": "不予公开",
    "此件不予公开": "不予公开",
    "免予公开": "不予公开",
    "删减后公开": "删减后公开",
    "部分公开": "删减后公开",
    "此件删减后公开": "删减后公开",
}
#: "（此件公开发布）" at the end of a document's text (版记 公开属性).
DISCLOSURE_NOTE = re.compile(
    r"[（(]\s*此\s*件\s*(?P<value>公\s*开\s*发\s*布|主\s*动\s*公\s*开|依\s*申\s*请\s*公\s*开|"
    r"不\s*予\s*公\s*开|不\s*公\s*开|删\s*减\s*后\s*公\s*开)\s*[）)]"
)

# --- topic (主题分类) ---------------------------------------------------------------------------

#: Separators between the levels of a topic ("财政、金融、审计\银行").
TOPIC_LEVEL_SEPARATORS = re.compile(r"\s*[\\＼/／>＞→]\s*")

# --- dates ----------------------------------------------------------------------------------------

_D = r"[0-9０-９]"
DATE_NUMERIC = re.compile(
    rf"(?<![0-9０-９])(?P<y>(?:1[89]|2[01]|１[８９]|２[０１]){_D}{{2}})\s*"
    rf"(?P<sep>[-/.年－／．])\s*(?P<m>{_D}{{1,2}})\s*[-/.月－／．]\s*(?P<d>{_D}{{1,2}})"
    rf"(?:(?![0-9０-９])|(?=[0-9]{{1,2}}:[0-9]{{2}}))\s*日?"
)
DATE_COMPACT = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])(?!\d)")
_CN_DIGIT = "〇零○ＯO一二三四五六七八九"
DATE_CHINESE = re.compile(
    rf"(?P<y>[{_CN_DIGIT}]{{4}})\s*年\s*(?P<m>[一二三四五六七八九十]{{1,3}})\s*月\s*"
    rf"(?P<d>[一二三四五六七八九十卅廿]{{1,4}})\s*日"
)
#: The characters a date can start with (the year's first digit): a line that starts with none of
#: them is not a date line, whatever follows.
DATE_FIRST_CHARS = frozenset("12１２" + _CN_DIGIT)
CN_DIGITS = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0, "O": 0}
#: Dates in URLs: t20200915_123.html, /2020-09/15/, /2020/09/15/, /20200915/.
URL_DATES = (
    re.compile(r"[/_]t(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)_"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})-(?P<m>[01]\d)/(?P<d>[0-3]\d)/"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>[01]\d)/(?P<d>[0-3]\d)/"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)/"),
    re.compile(r"/art/(?P<y>(?:19|20)\d{2})/(?P<m>1[0-2]|[1-9])/(?P<d>3[01]|[12]\d|[1-9])/"),
)
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100

# --- 文号 (GB/T 9704-2012 §7.2.5; BRIEF §4.1) -------------------------------------------------------

OPEN_BRACKETS = "〔[【（(﹝［〖〈{｛"
CLOSE_BRACKETS = "〕]】）)﹞］〗〉}｝"
_NUM = r"[0-9０-９]"
#: 代字 + bracketed year + serial: the usual 文号, with every deviation the standard forbids allowed
#: so that it can be recognised and then flagged.
DOC_NO_BRACKETED = re.compile(
    rf"^(?P<code>[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9·\s]{{0,24}}?)\s*"
    rf"(?P<open>[{re.escape(OPEN_BRACKETS)}])?\s*(?P<year>{_NUM}{{4}}|{_NUM}{{2}})\s*"
    rf"(?P<close>[{re.escape(CLOSE_BRACKETS)}])?\s*(?P<di>第)?\s*(?P<num>{_NUM}{{1,6}})\s*(?P<hao>号)?$"
)
#: A 文号 already in the GB/T 9704 form (no defect, nothing to normalise).
DOC_NO_CANONICAL = re.compile(
    r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9·]{0,24}〔(?:19|20)\d{2}〕[1-9]\d{0,5}号$"
)
#: Orders (令) and numbered announcements: 国务院令第711号, 国家税务总局公告2018年第60号.
DOC_NO_ORDER = re.compile(
    rf"^(?P<code>[\u4e00-\u9fff]{{1,30}}?(?:令|公告|通告|公报))\s*(?:(?P<year>{_NUM}{{4}})\s*年\s*)?"
    rf"第\s*(?P<num>{_NUM}{{1,6}})\s*(?P<hao>号)?$"
)
#: Provincial 规范性文件 registration numbers: HHCR-2023-01005, JXCR-2020-01001.
REGISTRATION_NO = re.compile(r"^[A-Z]{2,8}-\d{4}-\d{3,6}$")
REGISTRATION_NO_IN_TEXT = re.compile(r"(?<![A-Za-z0-9-])[A-Z]{2,8}-(?:19|20)\d{2}-\d{3,6}(?![A-Za-z0-9-])")
#: A 文号 named inside running text, bracketed by the sentence: （国办发〔2019〕54号）.
DOC_NO_IN_TEXT = re.compile(
    r"(?P<doc_no>[\u4e00-\u9fff]{1,14}\s*[〔\[【［﹝(（]\s*(?:19|20)\d{2}\s*[〕\]】］﹞)）]\s*第?\s*\d{1,5}\s*号"
    r"|[\u4e00-\u9fff]{1,14}令\s*第\s*\d{1,5}\s*号)"
)
#: Words that introduce a 文号 in running text and are not part of its 代字.
DOC_NO_LEAD_WORDS = re.compile(r"^(?:根据|按照|依据|依照|贯彻|落实|执行|印发|转发|见|即|和|及|与|、|的)+")

# --- 索引号 (BRIEF §4.3) ---------------------------------------------------------------------------

#: (name, regex, index of the year group or None) — the known shapes of an 索引号.
INDEX_NO_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("org_code/year-serial", re.compile(r"^\d{8}[\dX]/(?P<year>\d{4})-\d{5}$")),
    ("credit_code/year-serial", re.compile(r"^[0-9A-Z]{18}/(?P<year>\d{4})-\d{4,8}$")),
    ("credit_code/yearmonth-serial", re.compile(r"^[0-9A-Z]{18}/(?P<year>\d{4})\d{2}-\d{4,8}$")),
    ("org_code_check/year-serial", re.compile(r"^\d{7,8}-[\dX]-?/(?P<year>\d{4})-\d+$")),
    ("site_code/year-serial", re.compile(r"^[0-9A-Za-z]{6,12}/(?P<year>\d{4})-\d{3,8}$")),
    ("fujian", re.compile(r"^[A-Z]{2}\d{5}-\d{4}-(?P<year>\d{4})-\d{5}$")),
    ("code-year-serial", re.compile(r"^[0-9A-Z]{6,20}-(?P<year>\d{4})-\d{3,8}$")),
    (
        "code-category-year-serial",
        re.compile(r"^[0-9A-Za-z]{2,20}(?:-[0-9A-Za-z]{1,10})*-(?P<year>\d{4})-\d{2,8}$"),
    ),
    (
        "code/category/year-serial",
        re.compile(r"^[0-9A-Za-z]{2,20}(?:/[0-9A-Za-z]{1,10})+/(?P<year>\d{4})-\d{2,8}$"),
    ),
    ("yunnan_digits", re.compile(r"^\d{9}[\dX]?-(?P<year>\d{4})-\d{4,8}$")),
)

# --- body text ---------------------------------------------------------------------------------

#: A signature line before the date: an agency name.
ORG_SUFFIX = re.compile(
    r"(?:政府|办公厅|办公室|委员会|人大常委会|局|厅|部|署|院|委|办|会|中心|处|所|站|公司|管委会|街道办事处|"
    r"人民法院|人民检察院|党组|支队|大队|总队|集团|协会|学校|大学|医院|联席会议|小组)\s*(?:[（(](?:印|章|盖章|代章|代印)[）)])?$"
)
#: The stamp note after a signing body's name ("…联席会议（代章）"): printed, but not part of the name.
STAMP_NOTE = re.compile(r"\s*[（(](?:印|章|盖章|代章|代印)[）)]$")
#: Where the main text of a page usually lives (ids/classes of common CMS templates). A hint only:
#: the densest block of paragraphs wins when no hint matches.
BODY_HINTS = re.compile(
    r"(?:^|[\s_-])(?:UCAP-CONTENT|zoom|Zoom|TRS_Editor|TRS_UEDITOR|trs_editor|content|Content|article|"
    r"art_con|artcon|wenzhang-content|pages_content|pages-content|con_text|view|detail|main-txt|"
    r"article-content|xxgk_content|zwgk_content|Custom_UnionStyle|contents?_div|txt|text)(?:$|[\s_-])"
)

#: ids/classes of page furniture (readability's "unlikely candidates"): never the main text.
BODY_NEGATIVE_HINTS = re.compile(
    r"footer|foot|bottom|copyright|banquan|mianze|disclaimer|nav|menu|sidebar|side|header|top|share|"
    r"breadcrumb|crumb|friend|yqlj|links|location|position|weizhi|search|login|qrcode|ewm",
    re.IGNORECASE,
)

# --- links --------------------------------------------------------------------------------------

ATTACHMENT_EXTENSIONS = (
    "pdf",
    "doc",
    "docx",
    "wps",
    "ofd",
    "xls",
    "xlsx",
    "et",
    "zip",
    "rar",
    "7z",
    "ppt",
    "pptx",
    "txt",
    "ceb",
    "caj",
)
ATTACHMENT_URL = re.compile(
    rf"\.(?P<ext>{'|'.join(ATTACHMENT_EXTENSIONS)})(?:$|[?#])",
    re.IGNORECASE,
)
ATTACHMENT_TEXT = re.compile(rf"\.(?P<ext>{'|'.join(ATTACHMENT_EXTENSIONS)})\s*$", re.IGNORECASE)
#: Headings of the box that lists a document's interpretations ("相关解读", even when empty).
INTERPRETATION_BOX_HEADINGS = frozenset(
    {
        "相关解读",
        "政策解读",
        "解读",
        "文件解读",
        "解读材料",
        "相关政策解读",
        "本文解读",
        "政策文件解读",
        "解读文件",
        "关联解读",
        "解读回应",
        "相关解读材料",
        "图文解读",
        "文字解读",
        "图片解读",
        "图解",
        "视频解读",
        "访谈解读",
    }
)
#: Headings of the box an interpretation page uses to point back at its policy.
POLICY_BOX_HEADINGS = frozenset(
    {
        "相关文件",
        "政策原文",
        "原文链接",
        "文件原文",
        "相关政策",
        "关联文件",
        "原文",
        "相关政策文件",
        "政策文件",
        "解读对象",
        "被解读文件",
    }
)
RELATED_BOX_HEADINGS = frozenset(
    {
        "相关信息",
        "相关链接",
        "相关阅读",
        "相关新闻",
        "相关稿件",
        "相关文章",
        "延伸阅读",
        "相关内容",
        "相关附件",
    }
)
#: The words that name an interpretation (解读 wording), longest first. Link texts, title markers
#: (audits.linking strips them from titles) and the crawler all read this one list.
INTERPRETATION_WORDS: tuple[str, ...] = (
    "政策解读",
    "图片解读",
    "视频解读",
    "文字解读",
    "一图读懂",
    "一图看懂",
    "答记者问",
    "政策问答",
    "政策说明",
    "新闻发布会",
    "吹风会",
    "图解",
    "解读",
    "问答",
)
#: Words a title wraps around what a policy and its 解读 share (stripped before titles are compared).
TITLE_MARKER_WORDS: tuple[str, ...] = (*INTERPRETATION_WORDS, "权威发布")
#: Link text that names an interpretation (a bare column name 政策解读 is excluded by the caller).
INTERPRETATION_LINK_TEXT = re.compile("|".join(map(re.escape, INTERPRETATION_WORDS)))
#: Titles of pages that are themselves interpretations (BRIEF §2.5).
#: A notice *about* interpretation work ("关于做好政策解读工作的通知") is not one: the words must
#: open or close the title, or sit right after a quoted policy title.
INTERPRETATION_TITLE = re.compile(
    r"^\s*(?:【[^】]{0,8}(?:解读|图解)[^】]{0,8}】|[\[［][^\]］]{0,8}解读[^\]］]{0,8}[\]］]|图解|一图读懂|一图看懂|"
    r"一文读懂|政策解读|解读|划重点)"
    r"|(?:解读|图解|问答|答记者问|答问|吹风会|一图读懂|一图看懂|政策要点)\s*[）)」”\"]*\s*$"
    r"|》\s*(?:的|之)?(?:政策|文件)?(?:解读|图解|问答)"
    r"|解读\s*《"
    r"|就《[^》]{2,120}》.{0,30}(?:答记者问|答问|回答记者提问)"
)
#: Column names that hold interpretations (<meta name="ColumnName">, breadcrumbs).
INTERPRETATION_COLUMN = re.compile(r"解读")
POLICY_LINK_TEXT = re.compile(r"^(?:政策原文|原文|文件原文|原文链接|查看原文|相关文件|点击查看原文)$")
#: A quoted title: 《国务院办公厅关于……的通知》.
QUOTED_TITLE = re.compile(r"《(?P<title>[^《》]{4,120})》")

# --- the page heading (title) and page kinds ------------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")
#: class/id words of elements that hold a page's heading.
TITLE_HINTS = re.compile(
    r"title|tit\b|tit[_-]|_tit|-tit|biaoti|headline|bt\b|_bt|-bt|bt_|xl_tit|subject", re.IGNORECASE
)
#: ... unless they name a column, a list or site furniture.
TITLE_NEGATIVE_HINTS = re.compile(
    r"column|lanmu|site|logo|header__|nav|menu|list|crumb|position|location|foot|side|sub-?title|fbt",
    re.IGNORECASE,
)
MIN_TITLE_CHARS, MAX_TITLE_CHARS = 5, 200
#: Marks a <title> or ArticleTitle may drop from the title a reader sees (《》, quotes), and spaces.
TITLE_MARKS = re.compile(f"[{SPACE_CHARS}《》〈〉“”‘’「」\"']+")
#: In plain text nothing marks a heading: a title line is at least this long.
MIN_TEXT_TITLE_CHARS = 8
#: Text lines that are never a title: an unknown bracketed label ("[联合发文单位] …"), an unknown
#: "label：" line, a numbered item ("2.…", "（三）…").
NOT_A_TEXT_TITLE = re.compile(
    r"^\s*(?:[\[［][\u4e00-\u9fff]{2,8}[\]］]|[\u4e00-\u9fff]{2,6}\s*[：:]|"
    r"\d{1,2}\s*[.、．]|[（(]?[一二三四五六七八九十]{1,3}[)）、])"
)
#: A line ending so is a sentence (or a label, or the 主送机关 line), not a title.
SENTENCE_ENDS = ("。", "；", ";", "，", ",", "：", ":")
#: Menu items in a line of text ("简体版 繁体版 | EN | 登录"): two such bars make it no title.
MENU_BAR = re.compile(r"\s[|｜]\s")
#: A line that is only a 文号 (国办函〔2018〕71号, 京医保发〔2026〕5号).
DOC_NO_LINE = re.compile(r"^[\u4e00-\u9fff]{1,20}[〔\[【［﹝(（]\d{4}[〕\]】］﹞)）]第?\d{1,5}号$")
#: A breadcrumb ("首页 > 政务公开 > …", "当前位置：…") is never a title.
BREADCRUMB = re.compile(r"(?:[>＞»›]\s*\S+\s*[>＞»›])|^\s*(?:当前位置|您当前的位置|您的位置|所在位置|位置)")
#: Lines that are page furniture, not a title.
NOT_A_TITLE = re.compile(
    r"^(?:首页|网站首页|返回顶部|打印本页|关闭窗口|【打印】|【关闭】|上一篇|下一篇|版权所有)|Copyright|ICP备"
)
#: The kind words a 公文 title ends with (GB/T 9704 文种, 规范性文件 names, 解读): a page whose
#: title ends so is a document, not news.
DOCUMENT_TITLE_END = re.compile(
    r"(?:通知|通告|公告|公示|意见|决定|决议|命令|令|公报|议案|批复|函|报告|请示|纪要|办法|规定|细则|方案|规划|"
    r"条例|规则|章程|标准|准则|指引|指南|措施|目录|清单|计划|要点|政策解读|解读|答记者问|问答|建议)"
    r"(?:[（(][^（）()]{1,30}[）)])*[。.]?$"
)
#: What an error page says instead of a document.
ERROR_PAGE = re.compile(
    r"该信息不存在|信息不存在|页面不存在|文章不存在|内容不存在|已被删除|已删除|已撤销|无法访问|找不到(?:该|您要访问的)?页面|"
    r"^提示信息$|^404|Not Found|访问的页面"
)

# --- publishers ----------------------------------------------------------------------------------

#: The end of a government body's name (joint bodies end with the last one's).
GOVERNMENT_BODY_END = re.compile(
    r"(?:人民政府|政府|办公厅|办公室|委员会|人大常委会|管委会|管理委员会|局|厅|部|署|院|委|办|中心|处|所|站|"
    r"街道办事处|街道|镇|乡|人民法院|人民检察院|党组|支队|大队|总队|分局|监管局|宣传部|会)$"
)
#: Names that are never a publisher: the site itself, media, accounts, and bodies' media centres.
NOT_A_PUBLISHER = re.compile(
    r"^(?:本网|本站|本网站|网站)|日报|晚报|早报|时报|商报|报社|报业|新华社|中新社|通讯社|电视台|广播电视|融媒体|"
    r"新闻|网$|网站$|公众号|微信|微博|客户端|直通车|头条|[A-Za-z]{4,}"
)
TRAILING_PARENTHESES = re.compile(r"(?:[（(][^（）()]*[）)])+$")
#: Lines under a heading that open so are its subtitle (题注), not the article's date line.
SUBTITLE_OPENERS = ("（", "(", "——", "—")

# --- how sure a value is (FieldSource.confidence) --------------------------------------------------

#: By extraction stage: what a reader sees (block, body) is sure; <meta> and the URL are guesses.
STAGE_CONFIDENCE: dict[str, float] = {"block": 0.95, "body": 0.85, "meta": 0.5, "url": 0.3}
#: A generic block label (来源, 时间) and a row written by a script are a little less sure.
GENERIC_LABEL_CONFIDENCE = 0.85
SCRIPT_BLOCK_CONFIDENCE = 0.8
#: Finer, by (stage, label as recorded in FieldSource.label).
SOURCE_CONFIDENCE: dict[tuple[str, str | None], float] = {
    ("body", "标题"): 0.9,
    ("body", "文号行"): 0.9,
    ("body", "此件"): 0.9,
    ("body", "落款日期"): 0.85,
    ("body", "落款"): 0.8,
    ("body", "标题下日期"): 0.8,
    ("body", "标题行"): 0.75,
    ("meta", "<title>"): 0.4,
}
# --- paging (list pages) ---------------------------------------------------------------------

#: Anchor texts of a pager: previous/next/first/last, page numbers and arrows.
PAGING_WORDS = re.compile(
    r"^(上一页|下一页|上页|下页|尾页|末页|前页|后页|首页|上一月|下一月|上月|下月|\d+|[<>«»‹›＜＞]+|next|prev)$",
    re.IGNORECASE,
)
#: Anchor texts of the link to the next page of a list.
NEXT_PAGE_WORDS = re.compile(r"^(下一页|下页|后一页|后页|下一頁|next|next page|>|›|»|＞|>>?)$", re.IGNORECASE)
