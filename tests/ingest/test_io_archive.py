"""The X Information Operations archive reader, on a real-shaped file written here."""

from __future__ import annotations

from datetime import datetime

import pytest

from unmask.ingest.io_archive import IoArchiveLayout
from unmask.ingest.records import RejectReason

HEADER = [
    "tweetid",
    "userid",
    "user_display_name",
    "user_screen_name",
    "user_reported_location",
    "user_profile_description",
    "user_profile_url",
    "follower_count",
    "following_count",
    "account_creation_date",
    "account_language",
    "tweet_language",
    "tweet_text",
    "tweet_time",
    "tweet_client_name",
    "in_reply_to_userid",
    "in_reply_to_tweetid",
    "quoted_tweet_tweetid",
    "is_retweet",
    "retweet_userid",
    "retweet_tweetid",
    "latitude",
    "longitude",
    "quote_count",
    "reply_count",
    "like_count",
    "retweet_count",
    "hashtags",
    "urls",
    "user_mentions",
    "poll_choices",
    "",
]

HASHED = "6c1b6e4f0a8a2d5f9e0c7b3a1d4e8f2a6b9c0d3e7f1a5b8c2d6e9f0a3b7c1d4e"  # a hashed userid

AUTHORS = {
    "1001": [
        "Maple News 🍁",
        "maple_news",
        "Toronto, Canada",
        "News & views",
        "https://t.co/abc",
        "1200",
        "35",
        "2019-03-04",
        "en",
    ],
    HASHED: [HASHED, HASHED, "", "", "", "0.0", "12.0", "2016-12-04", "en"],
    "1003": ["北京观察", "bj_watch", "北京", "观察中国", "", "88", "90", "2020-01-15", "zh-cn"],
    "1004": [
        "Observateur Libre",
        "obs_libre",
        "Paris",
        "Ni dieu ni maître",
        "",
        "5",
        "7",
        "2021-06-30",
        "fr",
    ],
}


def row(
    tweetid: str, userid: str, text: str, /, time: str = "2023-08-05 10:15", lang: str = "en", **extra: str
):
    cells = dict.fromkeys(HEADER, "")
    cells.update(zip(HEADER[1:11], [userid, *AUTHORS[userid]], strict=True))
    cells.update(
        tweetid=tweetid,
        tweet_text=text,
        tweet_time=time,
        tweet_language=lang,
        is_retweet="False",
        latitude="absent",
        longitude="absent",
        quote_count="0",
        reply_count="0",
        like_count="0",
        retweet_count="0",
        hashtags="[]",
        urls="[]",
        user_mentions="[]",
        tweet_client_name="Twitter Web App",
    )
    cells.update(extra)
    return [cells[c] for c in HEADER]


SPECIAL = [
    row(
        "9001",
        "1001",
        "Liberal MP caught in scandal #Canada #Ottawa https://t.co/x1",
        like_count="12",
        retweet_count="3.0",
        hashtags="[Canada, Ottawa]",
        urls="['https://example.ca/story?id=1']",
    ),
    row(
        "9002",
        HASHED,
        "@maple_news Wow, is this true?",
        time="2023-08-05 10:16",
        in_reply_to_tweetid="9001",
        in_reply_to_userid="1001",
        user_mentions="[1001]",
    ),
    row(
        "9003",
        "1003",
        "RT @maple_news: Liberal MP caught in scandal",
        time="2023-08-05 10:17",
        lang="zh",
        is_retweet="True",
        retweet_userid="1001",
        retweet_tweetid="9001",
    ),
    row(
        "9004",
        "1004",
        "Scandale au Canada ! Regardez ça 👀",
        time="2023-08-05 10:18",
        lang="fr",
        quoted_tweet_tweetid="9001",
        hashtags="['Canada', 'scandale, politique']",
        urls="['https://t.co/a', 'https://t.co/b']",
        user_mentions="['1001', '1003']",
        quote_count="1.0",
    ),
    row(
        "9005",
        "1003",
        "加拿大议员丑闻，请转发\n第二行",
        time="2023-08-05 10:19",
        lang="zh",
        hashtags="[加拿大]",
    ),
]
FILLER = [
    row(
        str(9100 + i),
        author,
        f"Filler post {i} #spam",
        time=f"2023-08-06 {i % 24:02d}:{i:02d}",
        hashtags="[spam]",
        like_count=str(i),
    )
    for i, author in enumerate(["1001", HASHED, "1003", "1004"] * 6)
]


@pytest.fixture
def archive(write, csv_text):
    return write("io_tweets.csv", csv_text(HEADER, SPECIAL + FILLER))


def test_reads_every_tweet_and_each_author_once(archive, read):
    got = read(IoArchiveLayout(), archive)
    assert len(got.posts) == len(SPECIAL) + len(FILLER)
    assert sorted(a.account_id for a in got.accounts) == sorted(AUTHORS)
    assert got.rejects == []
    first_post_of = {}
    for record in got.records:  # an author's account comes before its first post
        first_post_of.setdefault(getattr(record, "account_id", None), type(record).__name__)
    assert set(first_post_of.values()) == {"Account"}


def test_profile_fields(archive, read):
    maple = read(IoArchiveLayout(), archive).account("1001")
    assert (maple.platform, maple.handle, maple.display_name) == ("x", "maple_news", "Maple News 🍁")
    assert (maple.location, maple.bio, maple.profile_url) == (
        "Toronto, Canada",
        "News & views",
        "https://t.co/abc",
    )
    assert (maple.followers, maple.following) == (1200, 35)
    assert maple.created_at == datetime(2019, 3, 4)
    assert maple.declared_lang == "en"
    assert maple.source_record == 2


def test_hashed_ids_stay_opaque_and_float_counts_read(archive, read):
    got = read(IoArchiveLayout(), archive)
    hashed = got.account(HASHED)
    assert hashed.handle == HASHED
    assert (hashed.followers, hashed.following) == (0, 12)
    assert hashed.location is None  # empty cells are absent values


def test_tweet_fields_and_minute_times_in_utc(archive, read):
    post = read(IoArchiveLayout(), archive).post("9001")
    assert post.account_id == "1001"
    assert post.created_at == datetime(2023, 8, 5, 10, 15)
    assert post.text.startswith("Liberal MP") and post.lang == "en"
    assert post.hashtags == ["Canada", "Ottawa"]
    assert post.urls == ["https://example.ca/story?id=1"]
    assert (post.like_count, post.repost_count, post.reply_count, post.quote_count) == (12, 3, 0, 0)
    assert post.repost_of_post_id is None and post.reply_to_post_id is None
    assert post.source_record == 2


def test_reply_retweet_and_quote_links(archive, read):
    got = read(IoArchiveLayout(), archive)
    reply = got.post("9002")
    assert (reply.reply_to_post_id, reply.reply_to_account_id, reply.mentions) == ("9001", "1001", ["1001"])
    retweet = got.post("9003")
    assert (retweet.repost_of_post_id, retweet.repost_of_account_id) == ("9001", "1001")
    quote = got.post("9004")
    assert quote.quote_of_post_id == "9001" and quote.repost_of_post_id is None
    assert quote.hashtags == ["Canada", "scandale, politique"]
    assert quote.mentions == ["1001", "1003"]
    assert quote.quote_count == 1


def test_multiline_unicode_text_and_line_numbers_after_it(archive, read):
    got = read(IoArchiveLayout(), archive)
    assert got.post("9005").text == "加拿大议员丑闻，请转发\n第二行"
    assert got.post("9005").hashtags == ["加拿大"]
    assert got.post("9100").source_record == 8  # 9005 spans lines 6-7


def test_missing_optional_columns_are_tolerated(write, read, csv_text):
    path = write(
        "old.csv",
        csv_text(["tweetid", "userid", "tweet_time", "tweet_text"], [["1", "2", "2014-05-29 09:03", "hi"]]),
    )
    (post,) = read(IoArchiveLayout(), path).posts
    assert (post.post_id, post.account_id, post.text, post.like_count, post.hashtags) == (
        "1",
        "2",
        "hi",
        None,
        [],
    )


def _bad(write, read, csv_text, **cells):
    good = row("1", "1001", "fine")
    bad = row("2", "1001", "bad", **cells)
    got = read(IoArchiveLayout(), write("bad.csv", csv_text(HEADER, [good, bad, good])))
    assert len(got.posts) == 2, "the rows around a bad one are read"
    (reject,) = got.rejects
    assert reject.record_no == 3
    return reject


@pytest.mark.parametrize(
    ("cells", "reason", "field"),
    [
        ({"like_count": "abc"}, RejectReason.BAD_VALUE, "like_count"),
        ({"follower_count": "-3"}, RejectReason.BAD_VALUE, "follower_count"),
        ({"retweet_count": "1.5"}, RejectReason.BAD_VALUE, "retweet_count"),
        ({"tweet_time": "yesterday"}, RejectReason.BAD_TIMESTAMP, "tweet_time"),
        ({"tweet_time": "10000-01-01 00:00"}, RejectReason.BAD_TIMESTAMP, "tweet_time"),
        ({"tweet_time": ""}, RejectReason.MISSING_FIELD, "tweet_time"),
        ({"account_creation_date": "2019-02-30"}, RejectReason.BAD_TIMESTAMP, "account_creation_date"),
        ({"tweetid": ""}, RejectReason.MISSING_FIELD, "tweetid"),
        ({"userid": " "}, RejectReason.MISSING_FIELD, "userid"),
        ({"is_retweet": "maybe"}, RejectReason.BAD_VALUE, "is_retweet"),
        ({"tweet_text": "nul\x00byte"}, RejectReason.BAD_ENCODING, "tweet_text"),
    ],
)
def test_a_bad_field_rejects_its_row(write, read, csv_text, cells, reason, field):
    reject = _bad(write, read, csv_text, **cells)
    assert (reject.reason, reject.field) == (reason, field)
    assert reject.detail
    assert "\x00" not in reject.raw


def test_invalid_utf8_rejects_the_row_with_replacement_chars(write, read, csv_text):
    text = csv_text(HEADER, [row("1", "1001", "ok"), row("2", "1001", "BAD"), row("3", "1001", "ok")])
    path = write("latin1.csv", text.encode().replace(b"BAD", b"caf\xe9"))
    got = read(IoArchiveLayout(), path)
    (reject,) = got.rejects
    assert (reject.record_no, reject.field, reject.reason) == (3, "tweet_text", RejectReason.BAD_ENCODING)
    assert "caf\ufffd" in reject.raw
    assert [p.post_id for p in got.posts] == ["1", "3"]


def test_wrong_field_count_and_broken_rows(write, read, csv_text):
    text = (
        csv_text(HEADER, [row("1", "1001", "ok")])
        + "2,1001,too,few\n"
        + csv_text(HEADER, [row("3", "1001", "ok")]).split("\n", 1)[1]
    )
    got = read(IoArchiveLayout(), write("short.csv", text))
    (reject,) = got.rejects
    assert (reject.record_no, reject.reason, reject.field) == (3, RejectReason.WRONG_FIELD_COUNT, None)
    assert reject.raw == "2,1001,too,few"
    assert [p.post_id for p in got.posts] == ["1", "3"]


@pytest.mark.parametrize("cut", [-40, -12])
def test_a_cut_off_last_row_is_truncated(write, read, csv_text, cut):
    text = csv_text(
        HEADER, [row("1", "1001", "ok"), row("2", "1001", "a long text, quoted because of the comma")]
    )
    got = read(IoArchiveLayout(), write("cut.csv", text[:cut]))
    assert [p.post_id for p in got.posts] == ["1"]
    (reject,) = got.rejects
    assert (reject.record_no, reject.reason) == (3, RejectReason.TRUNCATED)


def test_a_last_row_without_newline_is_fine(write, read, csv_text):
    text = csv_text(HEADER, [row("1", "1001", "ok")]).rstrip("\n")
    assert [p.post_id for p in read(IoArchiveLayout(), write("nonl.csv", text)).posts] == ["1"]


def test_crlf_and_bom(write, read, csv_text):
    text = "\ufeff" + csv_text(HEADER, [row("1", "1001", "ok"), row("2", "1003", "好")]).replace("\n", "\r\n")
    got = read(IoArchiveLayout(), write("excel.csv", text))
    assert [p.post_id for p in got.posts] == ["1", "2"] and got.rejects == []
    assert got.post("2").source_record == 3


def test_sniff(write, csv_text):
    layout = IoArchiveLayout()
    head = csv_text(HEADER, [row("1", "1001", "ok")]).encode()
    assert layout.sniff(head, write("a.csv", head))
    assert not layout.sniff(b"message_id,user_id,username\n", write("b.csv", b""))
