"""The mapping-driven reader: the TOML mapping format, CSV and JSONL reading, and the worked examples."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from unmask.errors import InputError
from unmask.ingest.generic import GenericLayout, load_mapping, packaged_mappings
from unmask.ingest.records import RejectReason

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

SHARES = """
name = "shares"
format = "csv"
platform = { column = "account", prefixes = { fb_ = "facebook", tw_ = "x", tw_bot_ = "x-bot" } }

[post]
post_id = "post"
account_id = "account"
created_at = { column = "when", format = "%d/%m/%Y %H:%M" }
urls = { column = "links", split = " " }
hashtags = { column = "tags", split = "brackets" }
lang = { column = "language", values = { English = "en", Deutsch = "de" } }
like_count = "likes"
text = "body"

[account]
handle = "name"
followers = "fans"
created_at = "joined"
"""

SHARES_CSV = (
    "account,post,when,links,tags,language,likes,body,name,fans,joined\n"
    "fb_1,10,02/09/2023 14:03,https://a.de/1 https://b.de/2,\"['Wahl', 'BTW21']\",Deutsch,5,Guten Tag,"
    "Anna,10,2015-01-01T10:00:00+01:00\n"
    "tw_2,10,02/09/2023 14:04,,[],English,,Hello,bob,,\n"
    "tw_bot_3,11,02/09/2023 14:05,,[x],Klingon,0,,bot,1,\n"
)


@pytest.fixture
def shares(write):
    return load_mapping(write("shares.toml", SHARES)), write("shares.csv", SHARES_CSV)


def test_csv_through_a_mapping(shares, read):
    mapping, data = shares
    got = read(GenericLayout(mapping), data)
    assert got.rejects == []
    fb, tw, bot = got.posts
    assert (fb.platform, fb.post_id, fb.account_id) == ("facebook", "10", "fb_1")
    assert fb.created_at == datetime(2023, 9, 2, 14, 3)
    assert fb.urls == ["https://a.de/1", "https://b.de/2"] and fb.hashtags == ["Wahl", "BTW21"]
    assert (fb.lang, fb.like_count, fb.text) == ("de", 5, "Guten Tag")
    assert (tw.platform, tw.post_id, tw.lang, tw.like_count, tw.urls) == ("x", "10", "en", None, [])
    assert (bot.platform, bot.lang, bot.text, bot.hashtags) == ("x-bot", "Klingon", None, ["x"])
    anna = got.account("fb_1")
    assert (anna.platform, anna.handle, anna.followers) == ("facebook", "Anna", 10)
    assert anna.created_at == datetime(2015, 1, 1, 9)
    assert [p.source_record for p in got.posts] == [2, 3, 4]


def test_layout_names_and_platform_label(shares):
    layout = GenericLayout(shares[0])
    assert layout.name == "shares"
    assert layout.platform == "facebook,x,x-bot"


def test_an_unknown_platform_prefix_rejects_the_row(shares, write, read):
    mapping, _ = shares
    path = write("s.csv", SHARES_CSV + "yt_9,12,02/09/2023 14:06,,[],English,1,hi,y,1,\n")
    (reject,) = read(GenericLayout(mapping), path).rejects
    assert (reject.record_no, reject.field, reject.reason) == (5, "account", RejectReason.BAD_VALUE)


@pytest.mark.parametrize(
    ("cells", "reason", "field"),
    [
        ("fb_1,10,2023-09-02,,[],,1,x,a,1,", RejectReason.BAD_TIMESTAMP, "when"),
        ("fb_1,10,02/09/2023 14:03,,[],,many,x,a,1,", RejectReason.BAD_VALUE, "likes"),
        ("fb_1,10,02/09/2023 14:03,,[],,1,x,a,1,yesterday", RejectReason.BAD_TIMESTAMP, "joined"),
        ("fb_1,,02/09/2023 14:03,,[],,1,x,a,1,", RejectReason.MISSING_FIELD, "post"),
        ("fb_1,10,02/09/2023 14:03,,[],,1", RejectReason.WRONG_FIELD_COUNT, None),
    ],
)
def test_bad_rows(shares, write, read, cells, reason, field):
    mapping, _ = shares
    path = write("s.csv", SHARES_CSV.splitlines()[0] + "\n" + cells + "\n")
    (reject,) = read(GenericLayout(mapping), path).rejects
    assert (reject.record_no, reject.reason, reject.field) == (2, reason, field)


def test_hashed_ids_are_stable_and_distinct_per_line(write, read):
    mapping = load_mapping(
        write(
            "ids.toml",
            'platform = "x"\n[post]\npost_id = { hash = ["who", "text"], with_record = true }\n'
            'account_id = "who"\ncreated_at = { column = "t", format = "posix_ms" }\ntext = "text"\n',
        )
    )
    data = write("ids.csv", "who,t,text\na,1693663391000,same\na,1693663391000,same\nb,1693663391500,same\n")
    first = [p.post_id for p in read(GenericLayout(mapping), data).posts]
    again = [p.post_id for p in read(GenericLayout(mapping), data).posts]
    assert first == again
    assert len(set(first)) == 3 and all(len(i) == 40 for i in first)
    assert read(GenericLayout(mapping), data).posts[2].created_at == datetime(2023, 9, 2, 14, 3, 11, 500000)


def test_rows_of_one_shared_post_each_carry_their_object(write, read):
    mapping = load_mapping("german_elections")
    data = write(
        "ge.csv",
        "account_id,post_id,url_id,hashtag_id,domain_id,phash_id,timestamp\n"
        "tw_7,500,11,,21,,1629589836\ntw_7,500,,31,,,1629589836\ntw_7,500,,32,,41,1629589836\n",
    )
    posts = read(GenericLayout(mapping), data).posts
    assert [(p.platform, p.post_id) for p in posts] == [("x", "500")] * 3
    assert [(p.urls, p.hashtags, p.domains, p.media) for p in posts] == [
        (["11"], [], ["21"], []),
        ([], ["31"], [], []),
        ([], ["32"], [], ["41"]),
    ]


def test_sniff_needs_every_mapped_column(shares, write):
    layout = GenericLayout(shares[0])
    assert layout.sniff(SHARES_CSV.encode(), write("a.csv", b""))
    assert not layout.sniff(b"account,post,when\n1,2,3\n", write("b.csv", b""))


# -- the mapping format -----------------------------------------------------------------------------

VALID = 'platform = "x"\n[post]\npost_id = "id"\naccount_id = "user"\ncreated_at = "time"\n'


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('platform = "x"\n[post]\npost_id = "id"\naccount_id = "u"\n', "needs created_at"),
        (VALID + 'colour = "red"\n', "unknown key(s) colour"),
        (VALID.replace("[post]", 'format = "xml"\n[post]'), "format must be"),
        (VALID.replace("[post]", 'delimiter = ";;"\n[post]'), "delimiter"),
        (VALID.replace("[post]", 'timestamp_format = "unix"\n[post]'), "not one of"),
        (VALID + 'likes = "l"\n', "unknown key(s) likes in [post]"),
        (VALID + 'text = { column = "a", value = "b" }\n', "exactly one of column, value, hash"),
        (VALID + 'text = { column = "a", split = " " }\n', "split/key apply to list fields"),
        (VALID + 'urls = { column = "a", format = "iso" }\n', "format applies to created_at"),
        (VALID + 'text = { value = "a", with_record = true }\n', "with_record goes with hash"),
        (VALID + 'lang = { column = "l", values = { en = 1 } }\n', "values must map"),
        (VALID + "text = 3\n", "column name or a table"),
        (VALID.replace('platform = "x"', "platform = 3"), "platform must be"),
        (VALID.replace('platform = "x"', 'platform = { column = "u" }'), "prefixes"),
        (VALID + "[account]\naccount_id = 'u'\n", "unknown key(s) account_id in [account]"),
        ("platform = = 'x'", "cannot read"),
    ],
)
def test_mapping_errors_name_the_file_and_the_problem(write, toml, message):
    path = write("bad.toml", toml)
    with pytest.raises(InputError, match=r"bad\.toml") as caught:
        load_mapping(path)
    assert message in str(caught.value)


def test_packaged_mappings_load_by_name():
    assert packaged_mappings() == ["german_elections", "ira_2016", "russian_coord_tweets"]
    for name in packaged_mappings():
        mapping = load_mapping(name)
        assert mapping.name == name and mapping.description


def test_an_unknown_mapping_lists_the_packaged_ones():
    with pytest.raises(InputError, match="packaged: german_elections, ira_2016, russian_coord_tweets"):
        load_mapping("nope")
    with pytest.raises(InputError, match="no such file"):
        load_mapping(Path("/nonexistent/map.toml"))


# -- worked examples --------------------------------------------------------------------------------


def test_medium_example(write, read, csv_text):
    header = ["story_url", "author_handle", "author_name", "author_followers", "published_at", "text", "tags",
              "links", "claps", "responses"]  # fmt: skip
    rows = [
        ["https://medium.com/@jd/why-1a2b", "@jd", "J. Doe", "340", "2023-09-02T10:03:11.123-04:00",
         "Why it matters\n\nBody…", "politics|canada", "https://a.ca https://b.ca", "120", "4"],
    ]  # fmt: skip
    got = read(
        GenericLayout(load_mapping(EXAMPLES / "medium.toml")), write("stories.csv", csv_text(header, rows))
    )
    (post,) = got.posts
    assert (post.platform, post.post_id, post.account_id) == (
        "medium",
        "https://medium.com/@jd/why-1a2b",
        "@jd",
    )
    assert post.created_at == datetime(2023, 9, 2, 14, 3, 11, 123000)
    assert (post.hashtags, post.urls, post.like_count, post.reply_count) == (
        ["politics", "canada"],
        ["https://a.ca", "https://b.ca"],
        120,
        4,
    )
    assert (got.accounts[0].display_name, got.accounts[0].followers) == ("J. Doe", 340)


def test_linkedin_example_reads_jsonl_paths(write, read):
    item = {
        "urn": "urn:li:activity:7103",
        "posted_at": "2023-09-02T16:03:11+02:00",
        "text": "Élection : votez !",
        "author": {
            "urn": "urn:li:person:9",
            "public_id": "jane-doe",
            "name": "Jane",
            "headline": "PM",
            "url": "https://www.linkedin.com/in/jane-doe",
        },
        "hashtags": ["ai", "policy"],
        "links": [{"url": "https://x.eu/a"}, {"url": "https://x.eu/b"}],
        "reactions": 12,
        "comments": 3,
        "reposts": 1,
        "reshared_urn": None,
    }
    lines = [
        json.dumps(item, ensure_ascii=False),
        json.dumps({**item, "urn": "u2", "reactions": -1}),
        "[1, 2]",
    ]
    path = write("posts.jsonl", "\n".join(lines) + "\n")
    got = read(GenericLayout(load_mapping(EXAMPLES / "linkedin.toml")), path)
    (post,) = got.posts
    assert (post.platform, post.post_id, post.account_id) == (
        "linkedin",
        "urn:li:activity:7103",
        "urn:li:person:9",
    )
    assert post.created_at == datetime(2023, 9, 2, 14, 3, 11)
    assert (post.hashtags, post.urls) == (["ai", "policy"], ["https://x.eu/a", "https://x.eu/b"])
    assert (post.like_count, post.reply_count, post.repost_count, post.repost_of_post_id) == (12, 3, 1, None)
    (jane,) = got.accounts
    assert (jane.handle, jane.display_name, jane.bio) == ("jane-doe", "Jane", "PM")
    negative, not_object = got.rejects
    assert (negative.record_no, negative.field, negative.reason) == (2, "reactions", RejectReason.BAD_VALUE)
    assert (not_object.record_no, not_object.reason) == (3, RejectReason.MALFORMED)
