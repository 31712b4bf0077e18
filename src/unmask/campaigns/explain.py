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
    for signal, other, weight, actions in edges:
        a, b = sorted((acct, other))
        pairs = con.execute(
            """SELECT e.key, e.post_a, e.ts_a, pa.text, e.post_b, e.ts_b, pb.text
               FROM evidence e
               LEFT JOIN posts pa ON pa.platform = split_part(e.a, ':', 1) AND pa.post_id = e.post_a
               LEFT JOIN posts pb ON pb.platform = split_part(e.b, ':', 1) AND pb.post_id = e.post_b
               WHERE e.signal = ? AND e.a = ? AND e.b = ? ORDER BY e.ts_a, e.post_a""",
            [signal, a, b],
        ).fetchall()
        mine_first = a == acct
        evidence = []
        for key, post_a, ts_a, text_a, post_b, ts_b, text_b in pairs:
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
