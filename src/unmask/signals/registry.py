"""The built-in signals, in the order they run."""

from __future__ import annotations

from unmask.signals.base import PairSignal
from unmask.signals.camouflage import CAMOUFLAGE
from unmask.signals.co_post import CO_POST
from unmask.signals.co_reply import CO_REPLY
from unmask.signals.co_share import CO_HASHTAG, CO_LINK, CO_MEDIA, CO_REPOST
from unmask.signals.creation_batch import CREATION_BATCH
from unmask.signals.cross_lingual import CROSS_LINGUAL
from unmask.signals.cross_platform import CROSS_PLATFORM_LINK, CROSS_PLATFORM_NAME, CROSS_PLATFORM_TEXT
from unmask.signals.features import AccountFeature
from unmask.signals.hijacked import HIJACKED
from unmask.signals.near_duplicate import NEAR_DUPLICATE
from unmask.signals.rhythm import RHYTHM
from unmask.signals.thin_profile import THIN_PROFILE

PAIR_SIGNALS: dict[str, PairSignal] = {
    s.name: s
    for s in (
        CO_POST,
        NEAR_DUPLICATE,
        CROSS_LINGUAL,
        CO_REPLY,
        CO_LINK,
        CO_HASHTAG,
        CO_REPOST,
        CO_MEDIA,
        CROSS_PLATFORM_NAME,
        CROSS_PLATFORM_TEXT,
        CROSS_PLATFORM_LINK,
    )
}
ACCOUNT_FEATURES: dict[str, AccountFeature] = {
    f.name: f for f in (CREATION_BATCH, HIJACKED, THIN_PROFILE, RHYTHM, CAMOUFLAGE)
}
