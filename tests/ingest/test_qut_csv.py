"""The QUT coordination-network-toolkit CSV reader, with and without its header row."""

from __future__ import annotations

from datetime import datetime

import pytest

from unmask.ingest.qut_csv import COLUMNS, QutCsvLayout
from unmask.ingest.records import RejectReason

ROWS = [
    [
        "1111",
        "2222",
        "maple_news",
        "",
        "",
        "MP scandal, read this https://t.co/a",
        "1577886276",
        "https://t.co/a",
    ],
    ["2563", "3214", "amp_1", "1111", "", "RT @maple_news: MP scandal", "1577886230", ""],
    ["2564", "3215", "amp_2", "1111", "", "RT @maple_news: MP scandal", "1577886231.250", ""],
    [
        "2565",
        "3216",
        "obs",
        "",
        "1111",
        "@maple_news Quelle honte ! 加拿大",
        "1577886300",
        "https://a.fr/x https://b.cn/y",
    ],
    ["2566", "2222", "maple_news", "", "", "", "1577886400", ""],
]


@pytest.mark.parametrize("header", [True, False])
def test_reads_rows_with_or_without_header(write, read, csv_text, header):
    text = csv_text(COLUMNS, ROWS)
    if not header:
        text = text.split("\n", 1)[1]
    got = read(QutCsvLayout(), write("messages.csv", text))
    assert got.rejects == []
    assert [p.post_id for p in got.posts] == ["1111", "2563", "2564", "2565", "2566"]
    assert [p.source_record for p in got.posts] == [n + header for n in range(1, 6)]
    assert [(a.account_id, a.handle) for a in got.accounts] == [
        ("2222", "maple_news"),
        ("3214", "amp_1"),
        ("3215", "amp_2"),
        ("3216", "obs"),
    ]


def test_fields(write, read, csv_text):
    got = read(QutCsvLayout(), write("m.csv", csv_text(COLUMNS, ROWS)))
    first = got.post("1111")
    assert (first.platform, first.account_id, first.urls) == ("x", "2222", ["https://t.co/a"])
    assert first.created_at == datetime(2020, 1, 1, 13, 44, 36)
    assert got.post("2563").repost_of_post_id == "1111"
    assert got.post("2564").created_at == datetime(2020, 1, 1, 13, 43, 51, 250000)
    reply = got.post("2565")
    assert reply.reply_to_post_id == "1111" and reply.text == "@maple_news Quelle honte ! 加拿大"
    assert reply.urls == ["https://a.fr/x", "https://b.cn/y"]
    assert got.post("2566").text is None


def test_platform_is_configurable(write, read, csv_text):
    got = read(QutCsvLayout(platform="telegram"), write("m.csv", csv_text(COLUMNS, ROWS[:1])))
    assert got.posts[0].platform == got.accounts[0].platform == "telegram"


@pytest.mark.parametrize(
    ("cells", "reason", "field"),
    [
        ({6: "soon"}, RejectReason.BAD_TIMESTAMP, "timestamp"),
        ({6: "1e300"}, RejectReason.BAD_TIMESTAMP, "timestamp"),
        ({6: "2020-01-01T00:00:00Z"}, RejectReason.BAD_TIMESTAMP, "timestamp"),
        ({0: ""}, RejectReason.MISSING_FIELD, "message_id"),
        ({1: ""}, RejectReason.MISSING_FIELD, "user_id"),
        ({5: "bad \x00 text"}, RejectReason.BAD_ENCODING, "message"),
    ],
)
def test_bad_rows(write, read, csv_text, cells, reason, field):
    bad = list(ROWS[1])
    for index, value in cells.items():
        bad[index] = value
    got = read(QutCsvLayout(), write("m.csv", csv_text(COLUMNS, [ROWS[0], bad, ROWS[2]])))
    (reject,) = got.rejects
    assert (reject.record_no, reject.reason, reject.field) == (3, reason, field)
    assert len(got.posts) == 2


def test_a_nine_cell_row(write, read, csv_text):
    got = read(QutCsvLayout(), write("m.csv", csv_text(COLUMNS, [ROWS[0], [*ROWS[1], "extra"]])))
    (reject,) = got.rejects
    assert (reject.record_no, reject.reason) == (3, RejectReason.WRONG_FIELD_COUNT)


def test_sniff_with_and_without_header(write, csv_text):
    layout = QutCsvLayout()
    with_header = csv_text(COLUMNS, ROWS).encode()
    without = with_header.split(b"\n", 1)[1]
    assert layout.sniff(with_header, write("a.csv", with_header))
    assert layout.sniff(without, write("b.csv", without))
    assert not layout.sniff(b"a,b,c,d,e,f,not-a-time,h\n", write("c.csv", b""))
    assert not layout.sniff(b"tweetid,userid,tweet_time\n", write("d.csv", b""))


def test_the_toolkits_own_test_input(shared, read):
    """The toolkit's unit-test CSV (with its UTF-8 BOM) reads whole."""
    path = shared / "real" / "peer" / "qut_cnt_fixture" / "coretweet_test_input.csv"
    got = read(QutCsvLayout(), path)
    assert got.rejects == []
    assert len(got.posts) == 15
    assert got.post("0").repost_of_post_id == "rtid0"
    assert got.post("13").created_at == datetime(1970, 1, 1, 0, 5)
    assert {a.account_id for a in got.accounts} == {f"uid{n}" for n in (0, 1, 2, 3, 4, 5, 10, 11, 12)}
