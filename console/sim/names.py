"""Deterministic plausible Chinese names for demo officers, squads and units (no real persons)."""

from __future__ import annotations

import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建红文辉鹏宇浩凯俊斌云峰晨旭东海波志宏亮雪琳颖婷倩洁晶鑫欣佳怡思睿轩博瑞哲昊天然"


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def phone_number(rng: random.Random) -> str:
    return rng.choice(["138", "139", "136", "150", "186", "187", "158", "177"]) + f"{rng.randrange(10**8):08d}"


HANDLING_UNITS: list[tuple[str, str]] = [
    ("U-LHSR", "区绿化市容局"),
    ("U-HWS", "区环卫事务所"),
    ("U-FGJ", "区房管局"),
    ("U-JSW", "区建管委"),
    ("U-JJZD", "长宁交警支队"),
    ("U-SZ", "区市政养护所"),
    ("U-SCJG", "区市场监管局"),
    ("U-SW", "区水务所"),
]

STREET_WORDS = ["长宁路", "延安西路", "虹桥路", "天山路", "仙霞路", "遵义路", "娄山关路", "定西路", "江苏路", "武夷路",
                "愚园路", "新华路", "番禺路", "凯旋路", "中山西路", "哈密路", "剑河路", "北翟路", "金钟路", "淞虹路",
                "协和路", "威宁路", "水城路", "古北路", "安顺路", "茅台路", "红宝石路", "虹古路", "平塘路", "绥宁路"]


def address_for(rng: random.Random, near_street: str | None = None) -> str:
    street = near_street or rng.choice(STREET_WORDS)
    return f"{street}{rng.randrange(1, 1800)}号附近"
