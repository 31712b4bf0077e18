"""Meta Content Library exports: posts and comments as API JSON and as web-UI CSV, written here."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmask.engines.duckdb import DuckDBEngine
from unmask.ingest.meta_content_library import MetaContentLibraryLayout, flatten
from unmask.ingest.pipeline import ingest_paths
from unmask.ingest.records import RejectReason
from unmask.ingest.registry import detect_layout
from unmask.signals.co_reply import CO_REPLY, co_reply_events
from unmask.store import Store

MP = {"type": "page", "id": "90000001", "name": "Jane Doe MP", "username": "JaneDoeMP"}
TROLLS = [
    {"type": "profile", "id": f"7700{i}", "name": f"Maple Patriot {i}", "username": None} for i in range(3)
]


def fb_post(post_id: str, owner: dict, created: str, text: str, **extra: object) -> dict:
    post = {
        "id": post_id,
        "creation_time": created,
        "modified_time": created,
        "text": text,
        "lang": "en",
        "match_type": ["post_text"],
        "is_branded_content": False,
        "content_type": "status",
        "post_owner": owner,
        "surface": {"type": owner["type"], "id": owner["id"], "name": owner["name"]},
        "statistics": {
            "reaction_count": 41,
            "like_count": 30,
            "love_count": 5,
            "angry_count": 6,
            "comment_count": 3,
            "share_count": 2,
            "views": 1500,
        },
        "mcl_url": f"https://www.facebook.com/{post_id}",
    }
    post.update(extra)
    return post


def comment(comment_id: str, owner: dict, post_id: str, created: str, text: str, **extra: object) -> dict:
    record = {
        "id": comment_id,
        "post_id": post_id,
        "text": text,
        "creation_time": created,
        "lang": "en",
        "owner": owner,
        "statistics": {"reaction_count": 1, "like_count": 1, "comment_count": 0, "top_level_reply_count": 0},
    }
    record.update(extra)
    return record


MP_POST = fb_post(
    "1029384756",
    MP,
    "2023-09-02T14:00:00+0000",
    "Town hall tonight.",
    link_attachment={"link": "https://janedoe.ca/townhall", "name": "Town hall", "caption": None},
)
RESHARE = fb_post(
    "1029384799", TROLLS[0], "2023-09-02T14:10:00+0000", "Look at this liar", shared_post_id="1029384756"
)
COMMENTS = [
    comment(f"55501{i}", TROLLS[i], "1029384756", f"2023-09-02T14:0{5 + i}:00-04:00", "Resign! #scandal")
    for i in range(3)
]
NESTED = comment(
    "555020",
    MP,
    "1029384756",
    "2023-09-02T15:00:00+0000",
    "Please keep it civil.",
    parent_comment_id="555010",
)
ELSEWHERE = comment("555030", TROLLS[1], "4444", "2023-09-02T15:10:00+0000", "Another post of hers")


@pytest.fixture
def mixed_jsonl(write) -> Path:
    """Posts and comments as JSON lines (comments first: owners are still resolved)."""
    records = [*COMMENTS, NESTED, ELSEWHERE, MP_POST, RESHARE]
    return write("mcl_export.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


def _rows(store: Store, sql: str) -> list[tuple]:
    return store.con.execute(sql).fetchall()


def test_posts_and_comments_are_detected_and_linked(store, mixed_jsonl):
    report = ingest_paths(store, [mixed_jsonl])
    (result,) = report.files
    assert result.format == "meta_content_library" and result.error is None
    assert report.posts_new == 7 and report.rejects == {}
    replies = _rows(
        store,
        "SELECT post_id, account_id, reply_to_post_id, reply_to_account_id, conversation_id, created_at "
        "FROM posts WHERE reply_to_post_id IS NOT NULL ORDER BY post_id",
    )
    assert replies == [
        ("555010", "77000", "1029384756", "90000001", "1029384756", datetime(2023, 9, 2, 18, 5)),
        ("555011", "77001", "1029384756", "90000001", "1029384756", datetime(2023, 9, 2, 18, 6)),
        ("555012", "77002", "1029384756", "90000001", "1029384756", datetime(2023, 9, 2, 18, 7)),
        ("555020", "90000001", "555010", "77000", "1029384756", datetime(2023, 9, 2, 15, 0)),
        ("555030", "77001", "4444", None, "4444", datetime(2023, 9, 2, 15, 10)),  # post not in the file
    ]
    assert _rows(store, "SELECT DISTINCT platform FROM posts") == [("facebook",)]
    assert _rows(store, "SELECT count(*) FROM accounts") == [(4,)]


def test_co_reply_sees_the_commenters(store, mixed_jsonl):
    ingest_paths(store, [mixed_jsonl])
    events = DuckDBEngine(store).to_arrow(co_reply_events(DuckDBEngine(store), CO_REPLY))
    targeted = sorted(zip(events["acct"].to_pylist(), events["key"].to_pylist(), strict=True))
    assert [key for _, key in targeted].count("facebook:90000001") == 3
    assert ("facebook:90000001", "facebook:77000") in targeted  # the MP's answer targets the troll


def test_post_fields_and_reshare(mixed_jsonl, read):
    got = read(MetaContentLibraryLayout(), mixed_jsonl)
    post = got.post("1029384756")
    assert (post.account_id, post.text, post.lang, post.created_at) == (
        "90000001",
        "Town hall tonight.",
        "en",
        datetime(2023, 9, 2, 14, 0),
    )
    assert post.urls == ["https://janedoe.ca/townhall"]
    assert (post.like_count, post.repost_count, post.reply_count, post.view_count) == (41, 2, 3, 1500)
    reshare = got.post("1029384799")
    assert (reshare.repost_of_post_id, reshare.repost_of_account_id) == ("1029384756", "90000001")
    mp = got.account("90000001")
    assert (mp.handle, mp.display_name, mp.platform) == ("JaneDoeMP", "Jane Doe MP", "facebook")
    assert got.account("77000").handle is None
    assert got.post("555010").like_count == 1


def test_a_comments_only_file_links_posts_but_not_their_owners(write, read):
    path = write("comments.json", json.dumps({"data": COMMENTS, "paging": {"cursors": {"after": "QVFIU"}}}))
    assert detect_layout(path).name == "meta_content_library"
    got = read(MetaContentLibraryLayout(), path)
    assert [(p.reply_to_post_id, p.reply_to_account_id) for p in got.posts] == [("1029384756", None)] * 3


WEB_UI_COLUMNS = [
    "id", "creation_time", "modified_time", "text", "lang", "content_type", "is_branded_content",
    "match_type", "mcl_url", "multimedia", "shared_post_id", "post_owner.id", "post_owner.name",
    "post_owner.type", "post_owner.username", "surface.id", "surface.name", "surface.type",
    "statistics.angry_count", "statistics.care_count", "statistics.comment_count", "statistics.haha_count",
    "statistics.like_count", "statistics.love_count", "statistics.reaction_count", "statistics.sad_count",
    "statistics.share_count", "statistics.views", "statistics.views_date_last_refreshed",
    "statistics.wow_count", "link_attachment.caption", "link_attachment.description",
    "link_attachment.link", "link_attachment.name",
]  # fmt: skip


def web_ui_row(post: dict) -> list[object]:
    flat = flatten(post)
    return ["" if flat.get(c) is None else flat.get(c) for c in WEB_UI_COLUMNS]


@pytest.fixture
def web_ui_csv(write, csv_text) -> Path:
    return write("mcl-download.csv", csv_text(WEB_UI_COLUMNS, [web_ui_row(MP_POST), web_ui_row(RESHARE)]))


def test_web_ui_csv(store, web_ui_csv, read):
    assert detect_layout(web_ui_csv).name == "meta_content_library"
    got = read(MetaContentLibraryLayout(), web_ui_csv)
    assert [(p.post_id, p.account_id, p.platform) for p in got.posts] == [
        ("1029384756", "90000001", "facebook"),
        ("1029384799", "77000", "facebook"),
    ]
    assert got.post("1029384799").repost_of_account_id == "90000001"
    assert got.post("1029384756").urls == ["https://janedoe.ca/townhall"]
    report = ingest_paths(store, [web_ui_csv])
    assert report.posts_new == 2 and report.rejects == {}


def test_instagram_posts_and_comments(write, read):
    creator = {"type": "creator", "id": "31337", "name": "Jane Doe", "username": "janedoe.mp"}
    fan = {"type": "personal", "id": "42", "name": "", "username": "maple_fan_42"}
    post = {
        "id": "3190000000000000001",
        "creation_time": "2023-09-02T13:00:00+0000",
        "text": "Town hall #Ottawa",
        "post_owner": creator,
        "hashtags": ["Ottawa"],
        "multimedia": [{"type": "photo", "id": "m1", "url": "https://cdn.example/p1.jpg"}, {"type": "video"}],
        "statistics": {"like_count": 80, "comment_count": 1, "views": 900},
    }
    reply = comment("1790000000000000002", fan, post["id"], "2023-09-02T13:30:00+0000", "🍁🍁")
    # The API's nested shape and its flattened one mix freely: what matters is the field names.
    responses = [{"data": [post]}, {"data": [flatten(reply)]}]
    path = write("posts.json", json.dumps(responses, ensure_ascii=False, indent=1))
    got = read(MetaContentLibraryLayout(), path)
    assert {p.platform for p in got.posts} == {"instagram"} and got.rejects == []
    ig_post = got.post("3190000000000000001")
    assert (ig_post.hashtags, ig_post.media) == (["Ottawa"], ["https://cdn.example/p1.jpg"])
    assert (ig_post.like_count, ig_post.reply_count, ig_post.view_count) == (80, 1, 900)
    answer = got.post("1790000000000000002")
    assert (answer.reply_to_post_id, answer.reply_to_account_id) == (post["id"], "31337")
    assert got.account("42").display_name is None and got.account("42").handle == "maple_fan_42"


def test_instagram_csv_and_the_dictionarys_post_owner_data_spelling(write, read, csv_text):
    columns = ["id", "creation_time", "text", "hashtags", "post_owner.data.id", "post_owner.data.type"]
    rows = [["1", "1693663200", "Town hall #Ottawa #Canada", '["Ottawa", "Canada"]', "31337", "creator"]]
    got = read(MetaContentLibraryLayout(), write("ig.csv", csv_text(columns, rows)))
    (post,) = got.posts
    assert (post.platform, post.account_id, post.hashtags) == ("instagram", "31337", ["Ottawa", "Canada"])
    assert post.created_at == datetime(2023, 9, 2, 14, 0)  # POSIX seconds


@pytest.mark.parametrize(
    ("name", "owner_type", "platform"),
    [
        ("export.json", "business", "instagram"),
        ("export.json", "page", "facebook"),
        ("instagram_comments.json", "private", "instagram"),  # no evidence in the records: the name
        ("comments.json", "private", "facebook"),
    ],
)
def test_platform_comes_from_the_records_then_the_file_name(write, read, name, owner_type, platform):
    owner = {"type": owner_type, "id": "1", "name": "n"}
    record = comment("c1", owner, "p1", "2023-09-02T13:30:00+0000", "hi", statistics={"like_count": 2})
    path = write(name, json.dumps(record))
    assert [p.platform for p in read(MetaContentLibraryLayout(), path).posts] == [platform]


def test_reingest_is_idempotent(store, mixed_jsonl, web_ui_csv):
    ingest_paths(store, [mixed_jsonl, web_ui_csv])
    before = _rows(store, "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM accounts)")
    again = ingest_paths(store, [mixed_jsonl, web_ui_csv])
    assert all(f.skipped_as for f in again.files)
    assert _rows(store, "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM accounts)") == before
    assert before == [(7, 4)]  # the CSV repeats two posts of the JSON lines


def _broken(record: dict, dotted: str, value: object) -> dict:
    broken = copy.deepcopy(record)
    *parents, last = dotted.split(".")
    target = broken
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return broken


@pytest.mark.parametrize(
    ("record", "dotted", "value", "reason", "field"),
    [
        (COMMENTS[0], "owner.id", "", RejectReason.MISSING_FIELD, "data[1].owner.id"),
        (COMMENTS[0], "post_id", None, RejectReason.MISSING_FIELD, "data[1].post_id"),
        (COMMENTS[0], "creation_time", "yesterday", RejectReason.BAD_TIMESTAMP, "data[1].creation_time"),
        (COMMENTS[0], "creation_time", KeyError, RejectReason.MISSING_FIELD, "data[1].creation_time"),
        (MP_POST, "post_owner", KeyError, RejectReason.MISSING_FIELD, "data[1].post_owner.id"),
        (MP_POST, "id", {"nested": 1}, RejectReason.MISSING_FIELD, "data[1].id"),
        (MP_POST, "text", ["not", "text"], RejectReason.BAD_VALUE, "data[1].text"),
        (MP_POST, "statistics.share_count", -2, RejectReason.BAD_VALUE, "data[1].statistics.share_count"),
        (MP_POST, "text", "nul\x00byte", RejectReason.BAD_ENCODING, "data[1].text"),
        (MP_POST, "text", "\ud800", RejectReason.BAD_ENCODING, "data[1].text"),
    ],
)
def test_a_bad_record_rejects_only_itself(store, write, record, dotted, value, reason, field):
    data = [COMMENTS[1], _broken(record, dotted, value), COMMENTS[2]]
    report = ingest_paths(store, [write("page.json", json.dumps({"data": data}, indent=2))])
    assert report.posts_new == 2 and report.rejects == {str(reason): 1}
    ((record_no, got_field, got_reason, detail),) = _rows(
        store, "SELECT record_no, field, reason, detail FROM rejects"
    )
    assert (record_no, got_field, got_reason) == (1, field, str(reason)) and detail


def test_bad_json_lines_and_values_that_are_not_records(write, read):
    lines = [
        json.dumps(COMMENTS[0]),
        '{"id": "9", "post_id": ',  # broken line
        json.dumps([1, COMMENTS[1]]),  # an array holding a non-record
        json.dumps({"data": {"id": "x"}}),  # data that is not a list
        json.dumps(COMMENTS[2])[:-5],  # cut off at the end of the file
    ]
    got = read(MetaContentLibraryLayout(), write("bad.jsonl", "\n".join(lines)))
    assert [p.post_id for p in got.posts] == ["555010", "555011"]
    assert [(r.record_no, r.field, r.reason) for r in got.rejects] == [
        (2, None, RejectReason.MALFORMED),
        (3, "[0]", RejectReason.MALFORMED),
        (4, "data", RejectReason.BAD_VALUE),
        (5, None, RejectReason.TRUNCATED),
    ]


def test_a_cut_off_document_keeps_what_came_before(write, read):
    text = json.dumps({"data": [COMMENTS[0], COMMENTS[1]]}, indent=2)
    got = read(MetaContentLibraryLayout(), write("cut.json", text[: text.index('"555011"')]))
    assert got.posts == [] and [r.reason for r in got.rejects] == [RejectReason.TRUNCATED]


def test_invalid_utf8_in_a_csv_row(write, read, csv_text):
    text = csv_text(WEB_UI_COLUMNS, [web_ui_row(MP_POST), web_ui_row(RESHARE)])
    got = read(
        MetaContentLibraryLayout(), write("latin1.csv", text.encode().replace(b"Look at", b"L\xf6ok at"))
    )
    assert [p.post_id for p in got.posts] == ["1029384756"]
    ((record_no, field, reason),) = [(r.record_no, r.field, r.reason) for r in got.rejects]
    assert (record_no, field, reason) == (3, "text", RejectReason.BAD_ENCODING)


def test_sniff(write, csv_text):
    layout = MetaContentLibraryLayout()
    comments_csv = csv_text(["id", "post_id", "parent_comment_id", "text", "creation_time", "owner.id"], [])
    for head in (json.dumps({"data": [MP_POST]}), csv_text(WEB_UI_COLUMNS, []), comments_csv):
        assert layout.sniff(head.encode(), write("x", head))
    for other in (
        b'{"data": [{"id": "1", "author_id": "2", "created_at": "2020"}]}',
        b"id,creation_time,x\n",
    ):
        assert not layout.sniff(other, write("y", other))


HEADS = [
    b'{"data": [{"id": "1", "post_id": "2", "owner": {"id": "3"}, "creation_time": "',
    b'[{"id": "1", "post_owner": {"id": 3, "type": "page"}, "shared_post_id": ',
    b'{"id": "1", "post_owner.id": "3", "creation_time": 1693663200, "statistics": {"views": ',
    ",".join(WEB_UI_COLUMNS).encode() + b"\n1,2023-09-02T14:00:00+0000,",
    b"",
]
TAILS = st.lists(
    st.one_of(
        st.sampled_from([b",", b'"', b"\n", b"{", b"}", b"[", b"]", b":", b"\x00", b"\xe9", b"\\ud800",
                         b"null", b"-1", b"1e999", b'"data"', b'"post_id"', b'"owner"', b"2023-09-02"]),
        st.binary(max_size=6),
    ),
    max_size=60,
).map(b"".join)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=st.sampled_from(HEADS), tail=TAILS)
def test_arbitrary_bytes_never_raise_and_always_store(store, tmp_path, head, tail):
    """Whatever the bytes, reading yields only records the store accepts (or rejects), never an error."""
    path = tmp_path / "any.json"
    path.write_bytes(head + tail)
    (result,) = ingest_paths(store, [path], format="meta_content_library").files
    assert result.error is None
