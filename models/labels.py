"""The label sets every stage shares, exactly as issue #5 and the annotation guide spell them.

Outside checks compare these strings; classifiers predict them, the audit and the reports group by them.
"""

from __future__ import annotations

#: gov.cn 主题分类, first level (BRIEF §3.4): 21 classes plus 其他.
TOPICS: tuple[str, ...] = (
    "国务院组织机构",
    "综合政务",
    "国民经济管理、国有资产监管",
    "财政、金融、审计",
    "国土资源、能源",
    "农业、林业、水利",
    "工业、交通",
    "商贸、海关、旅游",
    "市场监管、安全生产监管",
    "城乡建设、环境保护",
    "科技、教育",
    "文化、广电、新闻出版",
    "卫生、体育",
    "人口与计划生育、妇女儿童工作",
    "劳动、人事、监察",
    "公安、安全、司法",
    "民政、扶贫、救灾",
    "民族、宗教",
    "对外事务",
    "港澳台侨工作",
    "国防",
    "其他",
)

#: The 26 standard domains of 基层政务公开 (国办发〔2019〕54号) as the annotation guide names them.
DOMAINS: tuple[str, ...] = (
    "城乡规划",
    "重大建设项目",
    "公共资源交易",
    "财政预决算",
    "安全生产",
    "税收管理",
    "农村集体土地征收",
    "国有土地上房屋征收与补偿",
    "保障性住房",
    "农村危房改造",
    "生态环境",
    "公共文化服务",
    "公共法律服务",
    "扶贫",
    "救灾",
    "食品药品监管",
    "城市综合执法",
    "就业",
    "社会保险",
    "社会救助",
    "养老服务",
    "户籍管理",
    "涉农补贴",
    "义务教育",
    "卫生健康",
    "市政服务",
)
OTHER_DOMAIN = "其他"
DOMAIN_LABELS: tuple[str, ...] = (*DOMAINS, OTHER_DOMAIN)

DOC_TYPES: tuple[str, ...] = (
    "normative",
    "administrative",
    "interpretation",
    "announcement",
    "report",
    "other",
)
