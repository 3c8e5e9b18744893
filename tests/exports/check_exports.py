"""Check that analyze's exports load in the tools analysts use next.

usage: check_exports.py ANALYZE_DIR

GEXF and GraphML are read with networkx (what Gephi opens, networkx reads the same way);
Parquet files are read with DuckDB. Node, edge and row counts must match the CSV files,
and ids must come back as text, times as timestamps. Prints one JSON line and exits 0, or
raises.
"""

import csv
import json
import sys
from pathlib import Path

import duckdb
import networkx as nx

csv.field_size_limit(1 << 30)


def csv_rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main() -> None:
    d = Path(sys.argv[1])
    out = {}

    # Graphs: both files describe the same fused network.
    gexf = nx.read_gexf(d / "network.gexf")
    graphml = nx.read_graphml(d / "network.graphml")
    assert not gexf.is_directed() and not graphml.is_directed()
    assert gexf.number_of_nodes() == graphml.number_of_nodes() > 0, (gexf, graphml)
    assert gexf.number_of_edges() == graphml.number_of_edges() > 0, (gexf, graphml)
    assert set(gexf.nodes) == set(graphml.nodes)
    edge_pairs = {frozenset((r["source"], r["target"])) for r in csv_rows(d / "edges.csv")}
    assert {frozenset(e) for e in graphml.edges} == edge_pairs, "graph edges = pairs in edges.csv"
    some = next(iter(graphml.nodes(data=True)))[1]
    assert isinstance(some["campaign"], int) and "label" in some, some
    some = next(iter(gexf.nodes(data=True)))[1]
    assert "campaign" in some and "label" in some, some
    for _, _, e in graphml.edges(data=True):
        assert e["weight"] > 0 and isinstance(e["co_actions"], int)
    members = {r["account_id"]: int(r["campaign_id"]) for r in csv_rows(d / "accounts.csv")}
    for n, a in graphml.nodes(data=True):
        if n in members:
            assert a["campaign"] == members[n], (n, a, members[n])
    out["graph"] = {"nodes": graphml.number_of_nodes(), "edges": graphml.number_of_edges()}

    # Parquet: same rows as the CSV, typed columns.
    con = duckdb.connect()
    for name, ids, times in [
        ("edges", ["source", "target"], []),
        ("accounts", ["account_id"], ["first_post", "last_post"]),
        ("evidence", ["post_a", "account_a", "post_b", "account_b"], ["time_a", "time_b"]),
        ("coordinated_posts", ["post_id", "account_id"], ["time"]),
    ]:
        pq = d / f"{name}.parquet"
        rows = csv_rows(d / f"{name}.csv")
        n = con.execute("select count(*) from read_parquet(?)", [str(pq)]).fetchone()[0]
        assert n == len(rows), (name, n, len(rows))
        types = dict(con.execute("select column_name, column_type from (describe select * from read_parquet(?))", [str(pq)]).fetchall())
        assert list(types) == list(rows[0].keys()) if rows else True, (name, list(types))
        for c in ids:
            assert types[c] == "VARCHAR", (name, c, types[c])
        for c in times:
            assert types[c].startswith("TIMESTAMP"), (name, c, types[c])
        if rows:
            first = con.execute(f"select {', '.join(ids)} from read_parquet(?) limit 1", [str(pq)]).fetchone()
            assert list(first) == [rows[0][c] for c in ids], (name, first)
        out[name] = n
    ev = con.execute(
        "select count(*), min(dt_seconds), max(epoch(time_b) - epoch(time_a)) from read_parquet(?)",
        [str(d / "evidence.parquet")],
    ).fetchone()
    assert ev[0] == 0 or ev[1] is not None
    # Joins analysts do: evidence to campaigns' members.
    joined = con.execute(
        "select count(*) from read_parquet(?) e join read_parquet(?) a on e.account_a = a.account_id",
        [str(d / "evidence.parquet"), str(d / "accounts.parquet")],
    ).fetchone()[0]
    out["evidence_joined_to_accounts"] = joined
    print(json.dumps(out))


if __name__ == "__main__":
    main()
