"""Choosing a layout: sniffing each format (also compressed), explicit formats, mappings, and errors."""

from __future__ import annotations

import gzip
import json

import pytest
import zstandard

from unmask.errors import InputError, UnknownFormatError
from unmask.ingest.generic import GenericLayout
from unmask.ingest.registry import LAYOUTS, detect_layout, resolve_layout

IO_HEAD = "tweetid,userid,user_display_name,tweet_text,tweet_time\n1,2,n,hello,2020-01-01 10:00\n"
TWEET = {"id": "1", "author_id": "2", "created_at": "2023-09-02T14:03:11.000Z", "text": "hi"}
SAMPLES = {
    "io_archive": ("io.csv", IO_HEAD),
    "x_api_v2": ("search.jsonl", json.dumps({"data": [TWEET], "__twarc": {"version": "2.14"}}) + "\n"),
    "qut_csv": ("qut.csv", "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n"),
    "russian_coord_tweets": (
        "rct.csv",
        "object_id,account_id,content_id,timestamp_share\na,b,c,1623881091\n",
    ),
    "german_elections": ("ge.csv", "account_id,post_id,url_id,hashtag_id,domain_id,phash_id,timestamp\n"),
    "ira_2016": (
        "ira.csv",
        "author_id,external_author_id,account_category,account_type,publish_date,harvested_date,post_type,"
        "retweet,language,region,following,followers,updates,content\n",
    ),
    "crowdtangle": (
        "ct.csv",
        "Page Name,User Name,Facebook Id,Post Created,URL,Message\n"
        "Jane,jane,100,2023-09-02 14:03:11 EDT,https://www.facebook.com/100/posts/1,hi\n",
    ),
    "meta_content_library": (
        "mcl.json",
        json.dumps(
            {"data": [{"id": "1", "creation_time": "2023-09-02T14:03:11+0000", "post_owner": {"id": "2"}}]}
        ),
    ),
    "youtube": ("threads.json", json.dumps({"kind": "youtube#commentThreadListResponse", "items": []})),
    "telegram": (
        "result.json",
        '{\n "name": "c",\n "type": "public_channel",\n "id": 1,\n "messages": []\n}\n',
    ),
    "tiktok": (
        "videos.json",
        json.dumps(
            {
                "data": {
                    "videos": [
                        {"id": 1, "username": "u", "create_time": 1693526400, "video_description": "hi"}
                    ],
                    "has_more": False,
                }
            }
        ),
    ),
    "bluesky": (
        "posts.jsonl",
        json.dumps(
            {
                "uri": "at://did:plc:a/app.bsky.feed.post/1",
                "cid": "b",
                "author": {"did": "did:plc:a"},
                "record": {"text": "hi", "createdAt": "2023-09-01T00:00:00Z"},
            }
        )
        + "\n",
    ),
    "reddit": (
        "RC_2023-09.ndjson",
        json.dumps(
            {
                "id": "a",
                "author": "u",
                "body": "hi",
                "created_utc": 1693526400,
                "subreddit": "canada",
                "parent_id": "t3_b",
            }
        )
        + "\n",
    ),
}


def test_built_ins_come_first_then_packaged_mappings():
    assert list(LAYOUTS)[:3] == ["io_archive", "x_api_v2", "qut_csv"]
    assert set(LAYOUTS) == set(SAMPLES)


@pytest.mark.parametrize("name", list(SAMPLES))
def test_each_format_is_detected(write, name):
    filename, text = SAMPLES[name]
    assert detect_layout(write(filename, text)).name == name


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"data": [TWEET]}, indent=2),  # a pretty-printed page
        json.dumps([dict(TWEET, author={"id": "2"})]),  # an array of flattened tweets
        "\ufeff" + json.dumps(TWEET) + "\n",  # with a BOM
    ],
)
def test_x_api_shapes_are_detected(write, text):
    assert detect_layout(write("tweets.json", text)).name == "x_api_v2"


def test_headerless_qut_is_detected(write):
    assert detect_layout(write("m.csv", "1,2,user,,,hello,1577886276,\n")).name == "qut_csv"


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_compressed_files_are_detected_and_read(write, read, suffix):
    data = IO_HEAD.encode()
    packed = gzip.compress(data) if suffix == ".gz" else zstandard.ZstdCompressor().compress(data)
    path = write("io.csv" + suffix, packed)
    layout = detect_layout(path)
    assert layout.name == "io_archive"
    assert [p.text for p in read(layout, path).posts] == ["hello"]


def test_an_unknown_file_names_itself_and_the_known_formats(write):
    path = write("notes.txt", "dear diary\n")
    with pytest.raises(UnknownFormatError) as caught:
        detect_layout(path)
    message = str(caught.value)
    assert "notes.txt" in message
    assert all(name in message for name in LAYOUTS)


def test_an_empty_file_is_unknown(write):
    with pytest.raises(UnknownFormatError):
        detect_layout(write("empty.csv", b""))


def test_a_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match=r"missing\.csv: cannot read"):
        detect_layout(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="cannot read"):
        detect_layout(tmp_path)  # a directory


def test_resolve_prefers_mapping_then_format_then_detection(write):
    path = write("io.csv", IO_HEAD)
    mapping = write(
        "m.toml",
        'platform = "x"\n[post]\npost_id = "tweetid"\naccount_id = "userid"\ncreated_at = "tweet_time"\n',
    )
    assert isinstance(resolve_layout(path, None, mapping), GenericLayout)
    assert isinstance(resolve_layout(path, "generic", mapping), GenericLayout)
    assert resolve_layout(path, None, "german_elections").name == "german_elections"
    assert resolve_layout(path, "qut_csv", None).name == "qut_csv"
    assert resolve_layout(path, None, None).name == "io_archive"


def test_resolve_errors(write):
    path = write("io.csv", IO_HEAD)
    with pytest.raises(InputError, match="unknown format 'csv'; valid: io_archive, x_api_v2, qut_csv"):
        resolve_layout(path, "csv", None)
    with pytest.raises(InputError, match="needs --mapping"):
        resolve_layout(path, "generic", None)
    with pytest.raises(InputError, match="exclude each other"):
        resolve_layout(path, "qut_csv", "german_elections")
