"""@mentions: parsing, resolution against users/officers/squads, refusal of unknown and ambiguous names."""

from __future__ import annotations

import pytest

from console.collab.mentions import Directory, Target, parse_tokens, resolve
from console.errors import ValidationError

DIRECTORY = Directory([
    Target("squad", "SQ001", "华阳路中队"), Target("squad", "SQ005", "周家桥中队"),
    Target("officer", "OF1", "王伟"), Target("officer", "OF9", "王伟"), Target("officer", "OF4", "刘洋"),
    Target("user", "pq_a", "pq_a"),
])


def test_tokens_are_found_in_order_without_duplicates_and_emails_are_not_mentions() -> None:
    text = "请 @华阳路中队 跟进，@pq_a 知悉；@pq_a 再提一次。联系 zhang@example.com"
    assert parse_tokens(text) == ["华阳路中队", "pq_a"]


def test_chinese_mention_without_a_space_resolves_to_the_longest_known_name() -> None:
    mentions = resolve("@华阳路中队请处理，@刘洋到场", DIRECTORY)
    assert [(m.target.kind, m.target.id, m.token) for m in mentions] == [
        ("squad", "SQ001", "华阳路中队"), ("officer", "OF4", "刘洋")]


def test_ids_resolve_and_the_same_target_twice_is_one_mention() -> None:
    mentions = resolve("@SQ005 @周家桥中队 @OF1", DIRECTORY)
    assert [m.target.id for m in mentions] == ["SQ005", "OF1"]


def test_unknown_mention_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError) as err:
        resolve("@华阳路中队 和 @张三丰 请处理", DIRECTORY)
    assert "@张三丰" in err.value.message_zh and "@张三丰" in err.value.message_en
    assert "华阳路中队" not in err.value.message_en


def test_ambiguous_name_is_refused_and_the_ids_are_offered() -> None:
    with pytest.raises(ValidationError) as err:
        resolve("@王伟 请回电", DIRECTORY)
    assert "OF1" in err.value.message_en and "OF9" in err.value.message_en
    assert [m.target.id for m in resolve("@OF9 请回电", DIRECTORY)] == ["OF9"]
