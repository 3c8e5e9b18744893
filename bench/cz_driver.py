"""Drive coordinationz 0.2.2 on lockstep's generated scenarios (used by bench/coordinationz.sh).

    python cz_driver.py convert DATA_DIR WORK_DIR NAME
        Reads a `lockstep generate` directory (posts.jsonl for the Twitter-style scenarios;
        weibo-search.csv and checked/ for `weibo`) and writes WORK_DIR/io/NAME_io.pkl.gz, a
        pandas frame in the Twitter information-operations archive layout that
        coordinationz's preprocessIOData reads (tweetid, userid, tweet_text, created_at or
        tweet_time, is_retweet, retweet_tweetid, retweet_userid, in_reply_to_tweetid,
        in_reply_to_userid, quoted_tweet_tweetid, hashtags, urls, user_mentions, mentions).

    python cz_driver.py run CONFIG WORK_DIR NAME OUT_DIR
        Preprocesses with coordinationz.preprocess_utilities.preprocessIOData, then follows
        the steps of the package's documented pipeline (pipeline/indicators.py in its
        repository): per indicator, filterUsersByMinActivities, the bipartite edges, filterNodes,
        nullmodel.bipartiteNullModelSimilarity, network.createNetworkFromNullModelOutput,
        network.thresholdNetwork; then indicator_utilities.mergeNetworks, the output
        threshold and communities.getNetworksWithCommunities. All parameters come from CONFIG
        through indicator_utilities.parseParameters. Writes, for each variant,
        OUT_DIR/<variant>/accounts.csv (account_id,campaign_id,score: every account with an
        edge in the final merged network, its community and its strength), which
        `lockstep eval` scores:

        * `template`: the configuration exactly as parsed. parseParameters reads per-indicator
          thresholds only from an `[indicator.thresholds]` table, so the template's
          `pvalueThreshold = 0.01` is not applied and every pair at or above `minSimilarity`
          stays; the output threshold names an edge attribute (`1-pvalue`) the merged network
          does not have, so it filters nothing either.
        * `p01`: the same null model with the template's intended p < 0.01 applied to each
          indicator's network (`[indicator.thresholds] pvalue = 0.01`).

Only the package's public functions are called; nothing of it is copied here.
"""

import csv
import glob
import json
import os
import re
import sys
from pathlib import Path

INDICATORS = ["coretweet", "cohashtag", "courl", "coretweetusers"]
TOPIC = re.compile(r"#([^#\s]{1,40})#")


def io_row(tweetid, userid, text, *, created_at=None, tweet_time=None, retweet_of=None,
           retweet_user=None, reply_to=None, reply_user=None, hashtags=(), urls=(), mentions=()):
    return {
        "tweetid": str(tweetid),
        "userid": str(userid),
        "tweet_text": text or "",
        "created_at": created_at,
        "tweet_time": tweet_time,
        "is_retweet": retweet_of is not None,
        "retweet_tweetid": None if retweet_of is None else str(retweet_of),
        "retweet_userid": None if retweet_user is None else str(retweet_user),
        "in_reply_to_tweetid": None if reply_to is None else str(reply_to),
        "in_reply_to_userid": None if reply_user is None else str(reply_user),
        "quoted_tweet_tweetid": None,
        "hashtags": list(hashtags),
        "urls": list(urls),
        "user_mentions": list(mentions),
        "mentions": None,
    }


def rows_twitter(data_dir):
    """posts.jsonl (Twitter v1.1) of the Twitter-style scenarios."""
    for line in open(Path(data_dir) / "posts.jsonl", encoding="utf-8"):
        t = json.loads(line)
        rt = t.get("retweeted_status")
        src = rt if rt else t
        ent = src.get("entities", {})
        yield io_row(
            t["id_str"], t["user"]["id_str"], t["full_text"], created_at=t["created_at"],
            retweet_of=rt["id_str"] if rt else None,
            retweet_user=rt["user"]["id_str"] if rt else None,
            reply_to=t.get("in_reply_to_status_id_str"),
            reply_user=t.get("in_reply_to_user_id_str"),
            hashtags=[h["text"] for h in ent.get("hashtags", [])],
            urls=[u["expanded_url"] for u in ent.get("urls", [])],
            mentions=[m["id_str"] for m in ent.get("user_mentions", [])],
        )


def rows_weibo(data_dir):
    """weibo-search.csv (reposts point at their originals' rows) and checked/*.json (comments
    reply to the root, reposts repost it)."""
    path = Path(data_dir) / "weibo-search.csv"
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    author = {r["id"]: r["user_id"] for r in rows}
    for r in rows:
        rt = r["retweet_id"] or None
        yield io_row(
            r["id"], r["user_id"], r["微博正文"], tweet_time=r["发布时间"],
            retweet_of=rt, retweet_user=author.get(rt) if rt else None,
            hashtags=[t for t in r["话题"].split(",") if t],
            urls=[u for u in [r["头条文章url"]] if u],
            mentions=[m for m in r["艾特用户"].split(",") if m],
        )
    for name in sorted(glob.glob(str(Path(data_dir) / "checked" / "**" / "*.json"), recursive=True)):
        d = json.load(open(name, encoding="utf-8"))
        root, ruser = d["id"], d["user_id"]
        yield io_row(root, ruser, d["text"], tweet_time=d["date"], hashtags=TOPIC.findall(d["text"]))
        for c in d.get("comments", []):
            yield io_row(c["id"], c["user_id"], c["text"], tweet_time=c["date"],
                         reply_to=root, reply_user=ruser, hashtags=TOPIC.findall(c["text"]))
        for p in d.get("reposts", []):
            yield io_row(p["id"], p["user_id"], p["text"], tweet_time=p["date"],
                         retweet_of=root, retweet_user=ruser, hashtags=TOPIC.findall(p["text"]))


def convert(data_dir, work_dir, name):
    import pandas as pd
    weibo = (Path(data_dir) / "weibo-search.csv").exists()
    rows = list(rows_weibo(data_dir) if weibo else rows_twitter(data_dir))
    out = Path(work_dir) / "io"
    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_pickle(out / f"{name}_io.pkl.gz", compression="gzip")
    print(f"{len(rows)} posts -> {out / (name + '_io.pkl.gz')}", file=sys.stderr)


def run(config_path, work_dir, name, out_dir):
    import coordinationz as cz
    import coordinationz.communities as czcom
    import coordinationz.indicator_utilities as czind
    import coordinationz.network as cznet
    import coordinationz.preprocess_utilities as czpre

    config = cz.load_config(config_path)
    config["paths"]["PREPROCESSED_DATASETS"] = str(Path(work_dir) / "preprocessed")
    Path(config["paths"]["PREPROCESSED_DATASETS"]).mkdir(parents=True, exist_ok=True)
    preprocessed = Path(config["paths"]["PREPROCESSED_DATASETS"]) / f"{name}.csv"
    czpre.preprocessIOData(name, Path(work_dir), preprocessed)
    df = czpre.loadPreprocessedData(name, config=config)

    params = czind.parseParameters(config, INDICATORS)
    bipartite = {
        "coretweet": czind.obtainBipartiteEdgesRetweets,
        "cohashtag": czind.obtainBipartiteEdgesHashtags,
        "courl": czind.obtainBipartiteEdgesURLs,
        "coretweetusers": czind.obtainBipartiteEdgesRetweetsUsers,
    }
    variants = {"template": {}, "p01": {}}
    stats = {}
    for ind in INDICATORS:
        filtered = czind.filterUsersByMinActivities(df, activityType=ind, **params["user"][ind])
        edges = czind.filterNodes(bipartite[ind](filtered), **params["filter"][ind])
        if not edges:
            stats[ind] = {"users": 0}
            continue
        null = cz.nullmodel.bipartiteNullModelSimilarity(
            edges, returnDegreeSimilarities=False, returnDegreeValues=True,
            showProgress=False, **params["nullmodel"][ind])
        g = cznet.createNetworkFromNullModelOutput(null, showProgress=False, **params["network"][ind])
        stats[ind] = {"users": len({u for u, _ in edges}), "pairs": g.ecount()}
        for variant, extra in (("template", {}), ("p01", {"pvalue": 0.01})):
            thresholds = {**params["threshold"][ind]["thresholds"], **extra}
            gt = cznet.thresholdNetwork(g, thresholds)
            stats[ind][variant] = gt.ecount()
            if gt.ecount() > 0:
                variants[variant][ind] = gt

    out = Path(out_dir)
    summary = {"indicators": stats, "variants": {}}
    for variant, nets in variants.items():
        d = out / variant
        d.mkdir(parents=True, exist_ok=True)
        flagged = {}
        if nets:
            merged = czind.mergeNetworks(nets, **params["merging"])
            attr = params["output"]["thresholdAttribute"]
            threshold = min(params["output"]["thresholds"])
            merged = cznet.thresholdNetwork(merged, {attr: threshold})
            merged.delete_vertices(merged.vs.select(_degree=0))
            if merged.ecount() > 0:
                merged = czcom.getNetworksWithCommunities(merged)
                strength = merged.strength(weights="weight")
                for v, s in zip(merged.vs, strength):
                    flagged[v["Label"]] = (v["CommunityIndex"], s)
        with open(d / "accounts.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["account_id", "campaign_id", "score"])
            for a in sorted(flagged):
                c, s = flagged[a]
                w.writerow([a, c, f"{s:.6g}"])
        summary["variants"][variant] = {"flagged": len(flagged)}
    json.dump(summary, open(out / "summary.json", "w"), indent=1)
    print(json.dumps(summary), file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "convert" and len(sys.argv) == 5:
        convert(*sys.argv[2:])
    elif len(sys.argv) >= 2 and sys.argv[1] == "run" and len(sys.argv) == 6:
        run(*sys.argv[2:])
    else:
        sys.exit(__doc__)
