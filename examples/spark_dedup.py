#!/usr/bin/env python3
"""examples/spark_dedup.py FILE...: newsdedup as stages on PySpark (local
mode by default), the binary called on each partition. Writes to stdout what
`newsdedup FILE...` writes. JSON Lines files are cut into partitions anywhere
(records need explicit ids); other files (listings) stay whole, one
partition each.

    pip install pyspark        # Java 17
    NEWSDEDUP=target/release/newsdedup PARTITIONS=8 \\
        python3 examples/spark_dedup.py corpus.jsonl > out.jsonl

Environment: NEWSDEDUP (the binary, default `newsdedup`), FORMAT (jsonl,
json, text), CANONICAL (longest, first), PARTITIONS (per JSON Lines file,
default 4), SPARK_MASTER (default local[*]).
"""

import os
import shutil
import subprocess
import sys
import tempfile

from pyspark import SparkConf, SparkContext, StorageLevel

# An absolute path: Spark's workers need not share the driver's PATH.
ND = os.path.abspath(shutil.which(os.environ.get("NEWSDEDUP", "newsdedup")) or os.environ.get("NEWSDEDUP", "newsdedup"))
FORMAT = os.environ.get("FORMAT", "jsonl")
CANONICAL = os.environ.get("CANONICAL", "longest")
PARTITIONS = int(os.environ.get("PARTITIONS", "4"))
WHOLE = "\0whole-file\0"  # the element of a partition that stands for a whole (listing) file


def run(args, lines=None):
    """Run the binary with `lines` on stdin; its stdout lines."""
    stdin = "".join(line + "\n" for line in lines) if lines is not None else ""
    done = subprocess.run([ND] + args, input=stdin.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if done.returncode != 0:
        raise RuntimeError(f"newsdedup {' '.join(args)}: {done.stderr.decode(errors='replace')}")
    return done.stdout.decode().splitlines()


def on_shard(args_of):
    """A partition function running a stage over the partition's shard:
    JSON Lines on stdin, or a whole file by its path. `args_of(k)` gives
    the stage's arguments for shard (partition) k."""

    def stage(k, it):
        lines = list(it)
        if len(lines) == 1 and lines[0].startswith(WHOLE):
            return run(args_of(k) + [lines[0][len(WHOLE):]])
        return run(args_of(k) + ["--input", "jsonl", "-"], lines)

    return stage


def local_file(text):
    """`text` in a temp file on this machine (an executor's own copy of a
    broadcast value)."""
    f = tempfile.NamedTemporaryFile("w", delete=False, suffix=".lines")
    f.write(text)
    f.close()
    return f.name


def main(files):
    conf = SparkConf().setMaster(os.environ.get("SPARK_MASTER", "local[*]")).setAppName("newsdedup")
    # Local mode runs in the driver's JVM: 1 GB (Spark's default) holds no
    # 100k records' sign lines on their way through the global stages.
    conf.set("spark.driver.memory", os.environ.get("SPARK_DRIVER_MEMORY", "6g"))
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    # Shards in single-run order: partition k of the union is shard k.
    parts = []
    for f in files:
        if f.endswith((".jsonl", ".ndjson")):
            parts.append(sc.textFile(os.path.abspath(f), PARTITIONS))
        else:
            parts.append(sc.parallelize([WHOLE + os.path.abspath(f)], 1))
    shards = sc.union(parts).persist(StorageLevel.DISK_ONLY)

    # 1. count per shard, summed by key; records per shard give the ordinals.
    counted = shards.mapPartitionsWithIndex(
        lambda k, it: [(k, line) for line in on_shard(lambda _: ["count"])(k, it)]
    ).cache()
    records = dict(counted.filter(lambda kl: kl[1].startswith("#records\t")).map(lambda kl: (kl[0], int(kl[1].split("\t")[2]))).collect())
    bases, total = {}, 0
    for k in range(shards.getNumPartitions()):
        bases[k], total = total, total + records.get(k, 0)
    counts = (
        counted.map(lambda kl: kl[1].split("\t"))
        .map(lambda f: ((f[0], f[1]), int(f[2])))
        .reduceByKey(lambda a, b: a + b)
        .map(lambda kv: f"{kv[0][0]}\t{kv[0][1]}\t{kv[1]}")
        .collect()
    )
    counts_b = sc.broadcast("".join(line + "\n" for line in counts))
    bases_b = sc.broadcast(bases)

    # 2. sign each shard under the summed counts.
    def sign_args(k):
        return ["sign", "--counts", local_file(counts_b.value), "--ordinal-base", str(bases_b.value[k])]

    signs = shards.mapPartitionsWithIndex(on_shard(sign_args)).persist(StorageLevel.DISK_ONLY)

    # 3. pairs: global, one partition. 4. components of the pairs' graph:
    # global, over the pairs only. 5. route: component, sign and pair lines
    # grouped and sorted by ordinal, each partition through `route`, which
    # keys the sign and pair lines by component. 6. cluster: routed lines
    # grouped and sorted by component, each partition through `cluster`.
    pairs = signs.coalesce(1).pipe(f"{ND} pairs").persist(StorageLevel.DISK_ONLY)
    components = pairs.coalesce(1).pipe(f"{ND} components")
    n = max(1, signs.getNumPartitions())

    def by_key(rdd):
        """`rdd`'s lines grouped by key (the first field), keys in order within each partition."""
        return rdd.map(lambda line: (line.split("\t", 1)[0], line)).repartitionAndSortWithinPartitions(n).map(lambda kv: kv[1])

    routed = by_key(components.union(signs).union(pairs)).pipe(f"{ND} route")
    links = by_key(routed).pipe(f"{ND} cluster --canonical {CANONICAL}").collect()
    links_b = sc.broadcast("".join(line + "\n" for line in links))

    # 7. apply per shard; 8. gather members by canonical; 9. pieces in ordinal order.
    def apply_args(k):
        return ["apply", "--format", FORMAT, "--clusters", local_file(links_b.value), "--ordinal-base", str(bases_b.value[k])]

    applied = shards.mapPartitionsWithIndex(on_shard(apply_args)).persist(StorageLevel.DISK_ONLY)
    members = applied.filter(lambda line: line.split("\t", 2)[1] == "m1").map(lambda line: (line.split("\t", 1)[0], line))
    gathered = (
        members.repartitionAndSortWithinPartitions(max(1, members.getNumPartitions()))
        .map(lambda kv: kv[1])
        .mapPartitions(lambda it: run(["gather", "--format", FORMAT, "--counts", local_file(counts_b.value)], sorted(it)))
    )
    pieces = applied.filter(lambda line: line.split("\t", 2)[1] == "f1").union(gathered)
    ordered = pieces.sortBy(lambda line: line.split("\t", 1)[0]).coalesce(1)
    out = ordered.pipe(f"{ND} merge --format {FORMAT}").collect()
    sys.stdout.write("".join(line + "\n" for line in out))
    sc.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
