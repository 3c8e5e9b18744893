"""Run coordination-network-toolkit 1.5.2 on one input and write its networks as CSV.

Used by lockstep's parity tests and benchmarks as the oracle. It calls the toolkit's own
Python API (preprocess, compute_*, get_edge_rows); nothing of the toolkit is copied here.

usage: cnt_networks.py --format csv|twitter_json --out DIR
                       --networks co_retweet,co_tweet,... --windows 10,60 --min-weights 1,2
                       [--similarity 0.8[,0.5...]] [--min-doc-size 1]
                       [--n-cpus 2] [--db FILE] [--keep-empty-url-defect]
                       [--self-loops] [--nodes] INPUT...

Writes DIR/<network>_w<window>_m<min_weight>.csv with the header source,target,weight
(self-loops dropped, as the toolkit's export does by default; kept with --self-loops, its
--include_self_loops), and DIR/timings.json with seconds spent in preprocessing and in each
computation. With --nodes, also DIR/<same name>.nodes: the number of nodes of the toolkit's
own networkx graph (graph.load_networkx_graph, with the same loops setting), which is what
the toolkit's test suite asserts.

co_similar_tweet is computed once per value of --similarity and written to
DIR/co_similar_tweet_w<window>_m<min_weight>_s<similarity>.csv (the value as given). It
calls the toolkit's compute_co_similar_tweet with what the toolkit's own command line passes:
similarity_threshold = --similarity (CLI default 0.8; the Python function's own default is
0.9) and similarity_function = get_similarity_fn_from_min_size(--min-doc-size) (CLI default
1, i.e. MinDocSizeSimilarity(1): token sets with fewer than one token score 0).
co_similar_tweet is not in the default --networks list: it compares every pair of posts in
the window in Python and is slow on large inputs.
"""

import argparse
import csv
import json
import os
import sqlite3
import time

from coordination_network_toolkit import compute_networks as cn
from coordination_network_toolkit.graph import get_edge_rows, load_networkx_graph
from coordination_network_toolkit.similarity import get_similarity_fn_from_min_size
from coordination_network_toolkit.preprocess import (
    preprocess_csv_files,
    preprocess_twitter_json_files,
)

COMPUTE = {
    "co_retweet": lambda db, w, m, n: cn.compute_co_retweet_parallel(db, w, n_threads=n, min_edge_weight=m),
    "co_tweet": lambda db, w, m, n: cn.compute_co_tweet_network(db, w, min_edge_weight=m, n_threads=n),
    "co_link": lambda db, w, m, n: cn.compute_co_link_network(db, w, n_threads=n, min_edge_weight=m),
    "co_reply": lambda db, w, m, n: cn.compute_co_reply_network(db, w, min_edge_weight=m, n_threads=n),
    "co_post": lambda db, w, m, n: cn.compute_co_post_network(db, w, min_edge_weight=m, n_threads=n),
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--format", default="csv", choices=["csv", "twitter_json"])
    p.add_argument("--out", required=True)
    p.add_argument("--networks", default=",".join(COMPUTE))
    p.add_argument("--windows", default="60")
    p.add_argument("--min-weights", default="1")
    p.add_argument("--n-cpus", type=int, default=2)
    p.add_argument("--db", default=None)
    p.add_argument("--keep-empty-url-defect", action="store_true")
    p.add_argument("--similarity", default="0.8")
    p.add_argument("--min-doc-size", type=float, default=1)
    p.add_argument("--self-loops", action="store_true")
    p.add_argument("--nodes", action="store_true")
    p.add_argument("inputs", nargs="+")
    a = p.parse_args()

    os.makedirs(a.out, exist_ok=True)
    db = a.db or os.path.join(a.out, "cnt.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    timings = {}
    t = time.perf_counter()
    if a.format == "csv":
        preprocess_csv_files(db, a.inputs)
    else:
        preprocess_twitter_json_files(db, a.inputs)
    if not a.keep_empty_url_defect:
        # The toolkit turns an empty urls field into one empty-string URL, which links every
        # URL-less post in co_link. lockstep does not copy that defect, so the oracle drops
        # those rows before computing.
        con = sqlite3.connect(db)
        with con:
            con.execute("delete from message_url where url = ''")
        con.close()
    timings["preprocess"] = time.perf_counter() - t

    similarity_fn = get_similarity_fn_from_min_size(a.min_doc_size)
    for net in a.networks.split(","):
        for w in (int(x) for x in a.windows.split(",")):
            for m in (int(x) for x in a.min_weights.split(",")):
                if net == "co_similar_tweet":
                    runs = [
                        (
                            f"{net}_w{w}_m{m}_s{s}",
                            lambda s=s: cn.compute_co_similar_tweet(
                                db,
                                w,
                                n_threads=a.n_cpus,
                                min_edge_weight=m,
                                similarity_threshold=float(s),
                                similarity_function=similarity_fn,
                            ),
                        )
                        for s in a.similarity.split(",")
                    ]
                else:
                    runs = [(f"{net}_w{w}_m{m}", lambda: COMPUTE[net](db, w, m, a.n_cpus))]
                for name, compute in runs:
                    t = time.perf_counter()
                    compute()
                    rows = sorted(
                        (str(s), str(d), int(wt))
                        for s, d, wt, _ in get_edge_rows(db, net, loops=a.self_loops)
                    )
                    timings[name] = time.perf_counter() - t
                    with open(os.path.join(a.out, f"{name}.csv"), "w", newline="") as f:
                        out = csv.writer(f)
                        out.writerow(["source", "target", "weight"])
                        out.writerows(rows)
                    if a.nodes:
                        g = load_networkx_graph(db, net, loops=a.self_loops, n_messages=10)
                        with open(os.path.join(a.out, f"{name}.nodes"), "w") as f:
                            f.write(f"{len(g.nodes)}\n")
    with open(os.path.join(a.out, "timings.json"), "w") as f:
        json.dump(timings, f, indent=1)


if __name__ == "__main__":
    main()
