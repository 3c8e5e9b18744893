"""lockstep in a notebook: generate data with planted campaigns, find them, look at them.

Run it as a script (`python examples/notebook.py [WORKDIR]`) or cell by cell in Jupyter;
scripts/test.sh runs it in CI. It needs `pip install lockstep networkx`.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

import lockstep

work = Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="lockstep-notebook-"))

# %% Data: a synthetic scenario with planted campaigns (the `lockstep` command comes with
# the package; `python -m lockstep` is the same command).
subprocess.run(
    [sys.executable, "-m", "lockstep", "generate", "--scenario", "basic", "--seed", "1",
     "--scale", "0.1", "--out", str(work / "data")],
    check=True,
)
posts = pd.read_csv(work / "data" / "posts.csv", dtype=str, keep_default_na=False)
print(f"{len(posts)} posts by {posts['user_id'].nunique()} accounts")

# %% One network: who reposted the same thing within a minute of each other?
edges = lockstep.network(posts, "co-repost", window=60, min_weight=2)
print(edges.sort_values("weight", ascending=False).head())

# %% The whole analysis, from the DataFrame (a path, a pyarrow Table or a Polars DataFrame
# work the same way).
result = lockstep.analyze(posts)
print(result)
for c in result.campaigns[:5]:
    print(f"campaign {c['id']}: {c['size']} accounts, score {c['score']:.2f}, "
          f"behaviours {', '.join(c['behaviours'])}")

# %% The members of the strongest campaign and the evidence against them.
top = result.campaigns[0]["id"]
print(result.accounts[result.accounts["campaign_id"] == top].head())
print(result.evidence[result.evidence["campaign_id"] == top].head())

# %% The account graph in networkx, and every output file (report.html among them).
g = result.graph()
print(f"graph: {g.number_of_nodes()} accounts, {g.number_of_edges()} edges")
print("report:", Path(result.write(work / "results")) / "report.html")
