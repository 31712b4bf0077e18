"""CrowdTangle historical-data CSVs (Facebook and Instagram) on real-shaped exports written here."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmask.ingest.crowdtangle import CrowdTangleLayout, parse_crowdtangle_time, post_id_of
from unmask.ingest.parsing import FieldError
from unmask.ingest.pipeline import ingest_paths
from unmask.ingest.records import RejectReason
from unmask.ingest.registry import detect_layout
from unmask.store import Store

# CrowdTangle spelled its weighting into this column's name (two spaces around the em dash included).
OVERPERFORMING = (
    "Overperforming Score (weighted  —  Likes 1x Shares 1x Comments 1x Love 1x Wow 1x Haha 1x Sad 1x "
    "Angry 1x Care 1x )"
)
FB_HEADER = [
    "Page Name", "User Name", "Facebook Id", "Page Category", "Page Admin Top Country", "Page Description",
    "Page Created", "Likes at Posting", "Followers at Posting", "Post Created", "Post Created Date",
    "Post Created Time", "Type", "Total Interactions", "Likes", "Comments", "Shares", "Love", "Wow", "Haha",
    "Sad", "Angry", "Care", "Video Share Status", "Is Video Owner?", "Post Views", "Total Views",
    "Total Views For All Crossposts", "Video Length", "URL", "Message", "Link", "Final Link", "Image Text",
    "Link Text", "Description", "Sponsor Id", "Sponsor Name", "Sponsor Category",
    OVERPERFORMING,
]  # fmt: skip
IG_HEADER = [
    "Account", "User Name", "Followers at Posting", "Post Created", "Post Created Date", "Post Created Time",
    "Type", "Total Interactions", "Likes", "Comments", "Views", "URL", "Link", "Photo", "Title",
    "Description", "Image Text", "Sponsor Id", "Sponsor Name", "Overperforming Score",
]  # fmt: skip

PAGES = {  # Facebook Id: Page Name, User Name, Page Category, Admin Top Country, Description, Created
    "100200300": ["Jane Doe MP", "JaneDoeMP", "Politician", "CA", "MP", "2012-05-01 09:00 EDT"],
    "555666777": ["Maple Truth 🍁", "mapletruth", "News Site", "HK", "", "2023-08-20 02:11:09 EDT"],
    "888999000": ["加拿大观察", "", "Media", "CN", "观察加拿大", "2023-08-20 02:14:41 EDT"],
}  # fmt: skip


def fb_row(page: str, post: str, created: str, message: str, **extra: str) -> list[str]:
    cells = dict.fromkeys(FB_HEADER, "")
    name, user, category, country, description, page_created = PAGES[page]
    cells.update(
        {
            "Page Name": name,
            "User Name": user,
            "Facebook Id": page,
            "Page Category": category,
            "Page Admin Top Country": country,
            "Page Description": description,
            "Page Created": page_created,
            "Likes at Posting": "120",
            "Followers at Posting": "150",
            "Post Created": created,
            "Post Created Date": created[:10],
            "Post Created Time": created[11:19],
            "Type": "Link",
            "Total Interactions": "12",
            "Likes": "7",
            "Comments": "2",
            "Shares": "3",
            "Love": "1",
            "Angry": "1",
            "Is Video Owner?": "-",
            "URL": f"https://www.facebook.com/{page}/posts/{post}",
            "Message": message,
            "Link": "https://bit.ly/3xyz",
            "Final Link": "https://news.example.com/story-1",
            "Link Text": "A story",
        }
    )
    cells.update(extra)
    return [cells[c] for c in FB_HEADER]


FB_ROWS = [
    fb_row("100200300", "7001", "2023-09-02 10:00:00 EDT", "Town hall tonight at 7."),
    fb_row(
        "555666777",
        "7002",
        "2023-09-02 16:03:11 CEST",
        "Shocking scandal, share before it's deleted!",
        **{"Total Interactions": "1,234", "Likes": "1,200", "Love": "", "Angry": "30"},
    ),
    fb_row(
        "888999000",
        "7003",
        "2023-09-02 22:03:11 +0800",
        "丑闻！\n请转发",
        URL="https://www.facebook.com/888999000/photos/a.1234/7003/?type=3",
        **{"Final Link": "", "Link": "https://www.facebook.com/888999000/photos/a.1234/7003/?type=3"},
    ),
    fb_row(
        "555666777",
        "ignored",
        "2023-09-02 14:05:00 UTC",
        "Again: the scandal.",
        URL="https://www.facebook.com/permalink.php?story_fbid=7004&id=555666777",
    ),
]

IG_ROWS = [
    ["Jane Doe", "janedoemp", "15,300", "2023-09-02 09:30:00 EDT", "2023-09-02", "09:30:00", "Photo", "80",
     "75", "5", "0", "https://www.instagram.com/p/CwXyZ12abc/", "https://www.instagram.com/p/CwXyZ12abc/",
     "https://scontent.cdninstagram.com/v/photo1.jpg", "", "At the town hall #Ottawa", "", "", "", "1.2"],
    ["maple truth", "maple.truth.ca", "210", "2023-09-02 16:40:00 CEST", "2023-09-02", "16:40:00", "Video",
     "3", "2", "1", "1,050", "https://www.instagram.com/reel/CwAbC9/", "https://www.instagram.com/reel/CwAbC9/",
     "", "Scandal exposed", "", "", "", "", "-0.5"],
]  # fmt: skip


@pytest.fixture
def facebook_csv(write, csv_text) -> Path:
    return write("ct_facebook.csv", csv_text(FB_HEADER, FB_ROWS))


@pytest.fixture
def instagram_csv(write, csv_text) -> Path:
    return write("ct_instagram.csv", csv_text(IG_HEADER, IG_ROWS))


def _rows(store: Store, sql: str) -> list[tuple]:
    return store.con.execute(sql).fetchall()


def test_facebook_export_is_detected_and_ingested(store, facebook_csv):
    report = ingest_paths(store, [facebook_csv])
    (result,) = report.files
    assert result.format == "crowdtangle" and result.error is None
    assert report.posts_new == 4 and report.rejects == {}
    posts = _rows(store, "SELECT post_id, account_id, platform, created_at FROM posts ORDER BY post_id")
    assert posts == [
        ("7001", "100200300", "facebook", datetime(2023, 9, 2, 14, 0)),  # EDT = UTC-4
        ("7002", "555666777", "facebook", datetime(2023, 9, 2, 14, 3, 11)),  # CEST = UTC+2
        ("7003", "888999000", "facebook", datetime(2023, 9, 2, 14, 3, 11)),  # +0800
        ("7004", "555666777", "facebook", datetime(2023, 9, 2, 14, 5)),  # from story_fbid
    ]
    assert _rows(store, "SELECT count(*) FROM accounts WHERE platform = 'facebook'") == [(3,)]


def test_facebook_fields(facebook_csv, read):
    got = read(CrowdTangleLayout(), facebook_csv)
    jane = got.account("100200300")
    assert (jane.handle, jane.display_name, jane.location) == ("JaneDoeMP", "Jane Doe MP", "CA")
    assert (jane.followers, jane.bio) == (150, "MP")
    assert jane.created_at == datetime(2012, 5, 1, 13, 0)
    assert got.account("888999000").handle is None  # an empty User Name is absent
    post = got.post("7001")
    assert post.text == "Town hall tonight at 7."
    assert post.urls == ["https://news.example.com/story-1"]  # Final Link wins over the bit.ly Link
    assert (post.like_count, post.reply_count, post.repost_count) == (9, 2, 3)  # Likes+Love+Angry
    assert got.post("7002").like_count == 1230  # "1,200" + "30"
    photo = got.post("7003")
    assert photo.text == "丑闻！\n请转发" and photo.urls == []  # a link to the post itself is not a URL
    assert got.post("7004").source_record == 6  # 7003's message spans lines 4-5


def test_instagram_export(store, instagram_csv, read):
    assert detect_layout(instagram_csv).name == "crowdtangle"
    got = read(CrowdTangleLayout(), instagram_csv)
    assert {p.platform for p in got.posts} == {"instagram"}
    photo = got.post("CwXyZ12abc")
    assert (photo.account_id, photo.text, photo.created_at) == (
        "janedoemp",
        "At the town hall #Ottawa",
        datetime(2023, 9, 2, 13, 30),
    )
    assert photo.media == ["https://scontent.cdninstagram.com/v/photo1.jpg"] and photo.urls == []
    assert (photo.like_count, photo.reply_count, photo.view_count) == (75, 5, 0)
    reel = got.post("CwAbC9")
    assert (reel.text, reel.view_count, reel.created_at) == (
        "Scandal exposed",
        1050,
        datetime(2023, 9, 2, 14, 40),
    )
    account = got.account("janedoemp")
    assert (account.display_name, account.handle, account.followers) == ("Jane Doe", "janedoemp", 15300)
    ingest_paths(store, [instagram_csv])
    assert _rows(store, "SELECT platform, count(*) FROM posts GROUP BY ALL") == [("instagram", 2)]


def test_reingest_is_idempotent(store, facebook_csv, instagram_csv):
    ingest_paths(store, [facebook_csv, instagram_csv])
    before = _rows(store, "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM accounts)")
    again = ingest_paths(store, [facebook_csv, instagram_csv])
    assert all(f.skipped_as for f in again.files)
    assert _rows(store, "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM accounts)") == before
    assert before == [(6, 5)]


@pytest.mark.parametrize(
    ("change", "reason", "field"),
    [
        ({"Post Created": "yesterday"}, RejectReason.BAD_TIMESTAMP, "Post Created"),
        ({"Post Created": "2023-09-02 14:03:11 XYZ"}, RejectReason.BAD_TIMESTAMP, "Post Created"),
        ({"Post Created": "2023-09-02 14:03:11 IST"}, RejectReason.BAD_TIMESTAMP, "Post Created"),
        ({"Post Created": "2023-02-30 14:03:11 EST"}, RejectReason.BAD_TIMESTAMP, "Post Created"),
        ({"Post Created": "1900-01-01 00:00:00 UTC"}, RejectReason.BAD_TIMESTAMP, "Post Created"),
        ({"Post Created": ""}, RejectReason.MISSING_FIELD, "Post Created"),
        ({"Facebook Id": ""}, RejectReason.MISSING_FIELD, "Facebook Id"),
        ({"URL": ""}, RejectReason.MISSING_FIELD, "URL"),
        ({"URL": "https://www.facebook.com/"}, RejectReason.BAD_VALUE, "URL"),
        ({"Shares": "lots"}, RejectReason.BAD_VALUE, "Shares"),
        ({"Love": "-1"}, RejectReason.BAD_VALUE, "Love"),
        ({"Page Created": "long ago"}, RejectReason.BAD_TIMESTAMP, "Page Created"),
        ({"Message": "nul\x00byte"}, RejectReason.BAD_ENCODING, "Message"),
    ],
)
def test_a_bad_field_rejects_its_row(store, write, csv_text, change, reason, field):
    good = fb_row("100200300", "1", "2023-09-02 10:00:00 EDT", "fine")
    bad = fb_row("100200300", "2", "2023-09-02 10:00:00 EDT", "bad", **change)
    report = ingest_paths(store, [write("bad.csv", csv_text(FB_HEADER, [good, bad]))])
    assert report.posts_new == 1 and report.rejects == {str(reason): 1}
    (reject,) = _rows(store, "SELECT record_no, field, reason, detail FROM rejects")
    assert reject[:3] == (3, field, str(reason)) and reject[3]


def test_invalid_utf8_is_a_bad_encoding(write, read, csv_text):
    text = csv_text(FB_HEADER, [fb_row("100200300", "1", "2023-09-02 10:00:00 EDT", "caf_BAD")])
    got = read(CrowdTangleLayout(), write("latin1.csv", text.encode().replace(b"_BAD", b"\xe9")))
    (reject,) = got.rejects
    assert (reject.record_no, reject.field, reject.reason) == (2, "Message", RejectReason.BAD_ENCODING)
    assert "caf\ufffd" in reject.raw and got.posts == []


def test_truncated_file_and_short_row(write, read, csv_text):
    rows = [fb_row("100200300", "1", "2023-09-02 10:00:00 EDT", "ok")]
    cut = fb_row("100200300", "2", "2023-09-02 10:00:00 EDT", "a message, quoted because of its comma")
    text = csv_text(FB_HEADER, rows) + "short,row\n" + csv_text(FB_HEADER, [cut]).split("\n", 1)[1]
    got = read(CrowdTangleLayout(), write("cut.csv", text[: text.index("quoted")]))
    assert [p.post_id for p in got.posts] == ["1"]
    assert [(r.record_no, r.reason) for r in got.rejects] == [
        (3, RejectReason.WRONG_FIELD_COUNT),
        (4, RejectReason.TRUNCATED),
    ]


def test_older_files_with_created_instead_of_post_created(write, read, csv_text):
    header = [("Created" if c == "Post Created" else c) for c in FB_HEADER]
    path = write("old.csv", csv_text(header, [fb_row("100200300", "1", "2020-04-01 10:00:00 EDT", "old")]))
    assert detect_layout(path).name == "crowdtangle"
    (post,) = read(CrowdTangleLayout(), path).posts
    assert post.created_at == datetime(2020, 4, 1, 14, 0)


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2023-09-02 14:03:11 EDT", datetime(2023, 9, 2, 18, 3, 11)),
        ("2023-01-02 14:03:11 EST", datetime(2023, 1, 2, 19, 3, 11)),
        ("2023-09-02 14:03:11 PDT", datetime(2023, 9, 2, 21, 3, 11)),
        ("2023-09-02 14:03:11 aest", datetime(2023, 9, 2, 4, 3, 11)),
        ("2023-09-02 14:03:11 -0400", datetime(2023, 9, 2, 18, 3, 11)),
        ("2023-09-02 14:03:11 +05:30", datetime(2023, 9, 2, 8, 33, 11)),
        ("2023-09-02 14:03:11 -03", datetime(2023, 9, 2, 17, 3, 11)),
        ("2023-09-02 14:03:11", datetime(2023, 9, 2, 14, 3, 11)),
        ("2023-09-02 14:03 UTC", datetime(2023, 9, 2, 14, 3)),
        ("2023-12-31 22:30:00 CST", datetime(2024, 1, 1, 4, 30)),
    ],
)
def test_post_created_time_zones(text, utc):
    assert parse_crowdtangle_time(text) == utc


@pytest.mark.parametrize(
    "text",
    ["2023-09-02 14:03:11 IST", "2023-09-02 14:03:11 FOO", "02/09/2023 14:03", "0001-01-01 00:00:00 +0100"],
)
def test_unreadable_times_raise_value_error(text):
    with pytest.raises(ValueError):
        parse_crowdtangle_time(text)


@pytest.mark.parametrize(
    ("url", "post_id"),
    [
        ("https://www.facebook.com/100/posts/7001", "7001"),
        ("https://www.facebook.com/groups/123/permalink/456/", "456"),
        ("https://www.facebook.com/page/videos/789/", "789"),
        ("https://www.facebook.com/photo.php?fbid=321&set=a.1&type=3", "321"),
        ("https://www.facebook.com/watch/?v=654", "654"),
        ("https://www.instagram.com/p/CwXyZ12abc/", "CwXyZ12abc"),
    ],
)
def test_post_ids_from_urls(url, post_id):
    assert post_id_of(url) == post_id


@pytest.mark.parametrize("url", ["not a url", "https://www.facebook.com/", "http://[::1"])
def test_urls_naming_no_post_are_bad_values(url):
    with pytest.raises(FieldError) as caught:
        post_id_of(url)
    assert caught.value.reason == RejectReason.BAD_VALUE


def test_sniff_accepts_only_crowdtangle_headers(write, csv_text):
    layout = CrowdTangleLayout()
    for header in (FB_HEADER, IG_HEADER):
        head = csv_text(header, []).encode()
        assert layout.sniff(head, write("x.csv", head))
    tweets = b"tweetid,userid,tweet_time,tweet_text\n"
    assert not layout.sniff(tweets, write("t.csv", tweets))
    no_time = csv_text([c for c in FB_HEADER if c != "Post Created"], []).encode()
    assert not layout.sniff(no_time, write("n.csv", no_time))


FB_HEAD = ",".join(f'"{c}"' for c in FB_HEADER).encode() + b"\n"
IG_HEAD = ",".join(IG_HEADER).encode() + b"\n"
TAILS = st.lists(
    st.one_of(
        st.sampled_from([b",", b'"', b"\n", b"\x00", b"\xe9", b"1,234", b"EDT", b"IST", b" ", b"+05:30",
                         b"2023-09-02 14:03:11", b"https://www.facebook.com/1/posts/2", b"?fbid=", b"1e999"]),
        st.binary(max_size=6),
    ),
    max_size=80,
).map(b"".join)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=st.sampled_from([FB_HEAD, IG_HEAD, b""]), tail=TAILS)
def test_arbitrary_bytes_never_raise_and_always_store(store, tmp_path, head, tail):
    """Whatever the bytes, reading yields only records the store accepts (or rejects), never an error."""
    path = tmp_path / "any.csv"
    path.write_bytes(head + tail)
    (result,) = ingest_paths(store, [path], format="crowdtangle").files
    assert result.error is None
