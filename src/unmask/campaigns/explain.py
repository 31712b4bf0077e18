"""Why an account was flagged: its campaign, its flags, its edges, and the post pairs behind each edge."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from unmask.errors import InputError, NotFoundError
from unmask.store import Store

EDGES_SHOWN = 10


@dataclass
class Explanation:
    acct: str
    handle: str | None
    campaign_id: str | None
    score: float | None
    flags: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)  # each with an "evidence" list of post pairs


def _resolve(store: Store, account: str) -> str:
    """`platform:account_id`, or a bare account id / handle when it names exactly one account."""
    con = store.con
    if ":" in account:
        platform, account_id = account.split(":", 1)
        rows = con.execute(
            "SELECT platform, account_id FROM accounts WHERE platform = ? AND account_id = ?",
            [platform, account_id],
        ).fetchall()
    else:
        rows = con.execute(
            "SELECT platform, account_id FROM accounts WHERE account_id = ? OR lower(handle) = lower(?)",
            [account, account],
        ).fetchall()
    if not rows:
        raise NotFoundError(f"no account {account!r} in {store.path}")
    if len(rows) > 1:
        choices = ", ".join(f"{p}:{a}" for p, a in rows[:5])
        raise InputError(f"{account!r} names several accounts ({choices}); give platform:account_id")
    return f"{rows[0][0]}:{rows[0][1]}"


def explain(store: Store, account: str) -> Explanation:
    con = store.con
    acct = _resolve(store, account)
    platform, account_id = acct.split(":", 1)
    handle = con.execute(
        "SELECT handle FROM accounts WHERE platform = ? AND account_id = ?", [platform, account_id]
    ).fetchone()[0]
    member = con.execute(
        "SELECT campaign_id, score FROM campaign_accounts WHERE platform = ? AND account_id = ?",
        [platform, account_id],
    ).fetchone()
    result = Explanation(acct, handle, member[0] if member else None, member[1] if member else None)
    for feature, value, detail in con.execute(
        "SELECT feature, value, detail FROM account_features WHERE acct = ? AND flag ORDER BY feature", [acct]
    ).fetchall():
        result.flags.append({"feature": feature, "value": value, "detail": detail})
    edges = con.execute(
        """SELECT signal, CASE WHEN a = ? THEN b ELSE a END AS other, weight, actions
           FROM signal_edges WHERE a = ? OR b = ? ORDER BY weight DESC, signal, other LIMIT ?""",
        [acct, acct, acct, EDGES_SHOWN],
    ).fetchall()
    pairs_by_edge: dict[tuple[str, str, str], list[tuple]] = {}
    if edges:
        # One pass over the evidence of all shown edges, joined to the posts once (not once per edge).
        keys = [(signal, *sorted((acct, other))) for signal, other, _w, _n in edges]
        rows = con.execute(
            """WITH wanted AS (SELECT * FROM (SELECT unnest(?) AS signal, unnest(?) AS a, unnest(?) AS b)),
                    ev AS (SELECT e.* FROM evidence e SEMI JOIN wanted w USING (signal, a, b)),
                    ids AS (SELECT post_a AS post_id FROM ev UNION SELECT post_b FROM ev),
                    texts AS (SELECT platform, post_id, text FROM posts SEMI JOIN ids USING (post_id))
               SELECT ev.signal, ev.a, ev.b, ev.key, ev.post_a, ev.ts_a, pa.text, ev.post_b, ev.ts_b, pb.text
               FROM ev
               LEFT JOIN texts pa ON pa.platform = split_part(ev.a, ':', 1) AND pa.post_id = ev.post_a
               LEFT JOIN texts pb ON pb.platform = split_part(ev.b, ':', 1) AND pb.post_id = ev.post_b
               ORDER BY ev.ts_a, ev.post_a""",
            [[k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]],
        ).fetchall()
        for signal, a, b, *pair in rows:
            pairs_by_edge.setdefault((signal, a, b), []).append(tuple(pair))
    for signal, other, weight, actions in edges:
        a, b = sorted((acct, other))
        mine_first = a == acct
        evidence = []
        for key, post_a, ts_a, text_a, post_b, ts_b, text_b in pairs_by_edge.get((signal, a, b), []):
            own = (post_a, ts_a, text_a) if mine_first else (post_b, ts_b, text_b)
            theirs = (post_b, ts_b, text_b) if mine_first else (post_a, ts_a, text_a)
            evidence.append(
                {
                    "key": key,
                    "post": own[0],
                    "time": own[1].isoformat(),
                    "text": own[2],
                    "other_post": theirs[0],
                    "other_time": theirs[1].isoformat(),
                    "other_text": theirs[2],
                    "seconds_apart": abs(int((own[1] - theirs[1]).total_seconds())),
                }
            )
        result.edges.append(
            {
                "signal": signal,
                "other": other,
                "weight": round(weight, 3),
                "actions": actions,
                "evidence": evidence,
            }
        )
    return result
