#!/usr/bin/env python3
"""examples/spark_dedup.py FILE...: newsdedup as stages on PySpark (local
mode by default), the binary called on each partition. Writes to stdout what
`newsdedup FILE...` writes. JSON Lines files are cut into partitions anywhere
(records need explicit ids); other files (listings, CSV, JSON arrays) stay
whole, one partition each.

    pip install pyspark        # Java 17
    NEWSDEDUP=target/release/newsdedup PARTITIONS=8 \\
        python3 examples/spark_dedup.py corpus.jsonl > out.jsonl

Environment: NEWSDEDUP (the binary, default `newsdedup`), FORMAT (jsonl,
json, text, filter, ids, tsv), CANONICAL (longest, first), PARTITIONS (per JSON Lines file,
default 4), SPARK_MASTER (default local[*]), SPARK_DRIVER_MEMORY (default
6g), SPARK_DEDUP_TMP (where the run's directory goes, default the system
temp directory: Spark's shuffle and spill files, the executors' copies of
the broadcast tables, the output's part files; removed at the end, also
after a failure). The run's directory must be visible to the driver and
to every executor (local mode, or a shared mount).

Nothing large passes through the driver: it collects the records per shard
(one number each), the summed counts, the exact copies, the sizes of the
buckets over the cap and the links (broadcast to the executors); the output is written by the
executors (`saveAsTextFile`) and the driver copies the part files to stdout.
"""

import bisect
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import zlib

from pyspark import SparkConf, SparkContext, StorageLevel

# An absolute path: Spark's workers need not share the driver's PATH.
ND = os.path.abspath(shutil.which(os.environ.get("NEWSDEDUP", "newsdedup")) or os.environ.get("NEWSDEDUP", "newsdedup"))
FORMAT = os.environ.get("FORMAT", "jsonl")
CANONICAL = os.environ.get("CANONICAL", "longest")
PARTITIONS = int(os.environ.get("PARTITIONS", "4"))
WHOLE = "\0whole-file\0"  # the element of a partition that stands for a whole (listing) file


def run(args, lines=None):
    """Run the binary over `lines` (an iterator of lines without their
    `\\n`, streamed to its stdin; None: no stdin); its stdout lines, streamed
    as it writes them. Neither side is held in memory. A non-zero exit raises
    with the binary's stderr."""
    proc = subprocess.Popen(
        [ND] + args,
        stdin=subprocess.PIPE if lines is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    err, failed = [], []
    threads = [threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)]
    if lines is not None:

        def feed():
            try:
                for line in lines:
                    proc.stdin.write(line.encode() + b"\n")
            except BrokenPipeError:
                pass  # the binary stopped reading: its exit code says why
            except BaseException as e:  # the input failed: the binary's output must not count
                failed.append(e)
                proc.kill()
            finally:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass

        threads.append(threading.Thread(target=feed, daemon=True))
    for t in threads:
        t.start()
    try:
        for raw in iter(proc.stdout.readline, b""):
            yield raw.rstrip(b"\n").decode()
    finally:
        proc.stdout.close()
        proc.wait()
        for t in threads:
            t.join()
    if failed:
        raise failed[0]
    if proc.returncode != 0:
        raise RuntimeError(f"newsdedup {' '.join(args)}: exit {proc.returncode}: {b''.join(err).decode(errors='replace')}")


def on_shard(args_of):
    """A partition function running a stage over the partition's shard:
    JSON Lines on stdin, or a whole file by its path. `args_of(k)` gives
    the stage's arguments for shard (partition) k."""

    def stage(k, it):
        first = next(it, None)
        if first is not None and first.startswith(WHOLE):
            return run(args_of(k) + [first[len(WHOLE):]])
        head = [] if first is None else [first]
        return run(args_of(k) + ["--input", "jsonl", "-"], _chain(head, it))

    return stage


def _chain(head, it):
    yield from head
    yield from it


def local_file(bc, name, directory):
    """The broadcast `bc`'s text (called `name`) in a file under the run's
    `directory`, written by the first task that needs it on this machine and
    read by the others (written under a temporary name, then renamed, so no
    task reads a partial file); removed with the run's directory."""
    path = os.path.join(directory, name + ".lines")
    if not os.path.exists(path):
        os.makedirs(directory, exist_ok=True)
        fd, part = tempfile.mkstemp(prefix=name + ".", suffix=".partial", dir=directory)
        with os.fdopen(fd, "w") as f:
            f.write(bc.value)
        os.replace(part, path)
    return path


def by_line(rdd, n, part):
    """`rdd`'s lines in `n` partitions (partition `part(line)`), each
    partition's lines in byte order (the order of `LC_ALL=C sort`: Python
    compares code points, and UTF-8 keeps their order)."""
    return (
        rdd.map(lambda line: (line, None))
        .repartitionAndSortWithinPartitions(n, part)
        .map(lambda kv: kv[0])
    )


def ordinal_hash(n):
    """A partition by the key (a fixed-width ordinal, the first field)."""
    return lambda line: int(line[: line.index("\t")]) % n


def key_hash(n):
    """A partition by the key (the first field, any text): CRC-32, the same
    in every worker (Python's own string hash is salted per process)."""
    return lambda line: zlib.crc32(line[: line.index("\t")].encode()) % n


def main(files):
    run_dir = tempfile.mkdtemp(prefix="spark_dedup.", dir=os.environ.get("SPARK_DEDUP_TMP"))
    sc = None
    try:
        conf = SparkConf().setMaster(os.environ.get("SPARK_MASTER", "local[*]")).setAppName("newsdedup")
        # Local mode runs in the driver's JVM: 1 GB (Spark's default) holds no
        # 100k records' sign lines on their way through the global stages.
        conf.set("spark.driver.memory", os.environ.get("SPARK_DRIVER_MEMORY", "6g"))
        # Shuffle and spill files under the run's directory, compressed
        # (shuffles are by default; persisted partitions too).
        conf.set("spark.local.dir", os.path.join(run_dir, "spark"))
        conf.set("spark.rdd.compress", "true")
        # Each Python worker sorts this much in memory before it spills.
        conf.set("spark.python.worker.memory", os.environ.get("SPARK_PYTHON_WORKER_MEMORY", "1g"))
        # Shuffle files of RDDs no longer referenced are removed after a GC.
        conf.set("spark.cleaner.periodicGC.interval", "1min")
        sc = SparkContext(conf=conf)
        sc.setLogLevel("ERROR")
        # SIGTERM and SIGHUP as SIGINT: PySpark's handler cancels the jobs,
        # and the run ends through `finally`, which removes run_dir.
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.getsignal(signal.SIGINT))
        dedup(sc, files, run_dir)
        sc.stop()
        sc = None
    finally:
        try:
            if sc is not None:
                sc.stop()
        finally:
            shutil.rmtree(run_dir, ignore_errors=True)


def dedup(sc, files, run_dir):
    files_dir = os.path.join(run_dir, "files")
    # Shards in single-run order: partition k of the union is shard k. Not
    # persisted: each pass reads the input again, the same partitions.
    parts = []
    for f in files:
        if f.endswith((".jsonl", ".ndjson")):
            # PARTITIONS splits: textFile's minPartitions is only a minimum
            # (local files are cut every 32 MB: 100 partitions of 3.2 GB). Local files.
            split = -(-os.path.getsize(f) // PARTITIONS)
            parts.append(
                sc.newAPIHadoopFile(
                    "file://" + os.path.abspath(f),
                    "org.apache.hadoop.mapreduce.lib.input.TextInputFormat",
                    "org.apache.hadoop.io.LongWritable",
                    "org.apache.hadoop.io.Text",
                    conf={
                        "mapreduce.input.fileinputformat.split.minsize": str(max(1, split)),
                        "mapreduce.input.fileinputformat.split.maxsize": str(max(1, split)),
                    },
                ).map(lambda kv: kv[1])
            )
        else:
            parts.append(sc.parallelize([WHOLE + os.path.abspath(f)], 1))
    shards = sc.union(parts)
    n = max(1, shards.getNumPartitions())

    # 1. count per shard (line counts and input shapes), summed by key;
    # records per shard give the ordinals.
    counted = shards.mapPartitionsWithIndex(
        lambda k, it: ((k, line) for line in on_shard(lambda _: ["count"])(k, it))
    ).persist(StorageLevel.DISK_ONLY)
    records = dict(counted.filter(lambda kl: kl[1].startswith("#records\t")).map(lambda kl: (kl[0], int(kl[1].split("\t")[2]))).collect())
    bases, total = [], 0
    for k in range(n):
        bases.append(total)
        total += records.get(k, 0)
    counts = (
        counted.map(lambda kl: kl[1].split("\t"))
        .map(lambda f: ((f[0], f[1]), int(f[2])))
        .reduceByKey(lambda a, b: a + b)
        .map(lambda kv: f"{kv[0][0]}\t{kv[0][1]}\t{kv[1]}")
        .collect()
    )
    counted.unpersist()
    counts_b = sc.broadcast("".join(line + "\n" for line in counts))
    del counts

    # Pieces are keyed by ordinal: partition p holds the ordinals of shard p,
    # so the partitions, in order, are in ordinal order.
    def by_shard(line):
        return bisect.bisect_right(bases, int(line[: line.index("\t")])) - 1

    # 2. sign each shard under the summed counts.
    def sign_args(k):
        return ["sign", "--counts", local_file(counts_b, "counts", files_dir), "--ordinal-base", str(bases[k])]

    signs = shards.mapPartitionsWithIndex(on_shard(sign_args)).persist(StorageLevel.DISK_ONLY)
    # Signed in parallel here; every step of `pairs` then reads them from disk.
    signs.count()

    # 3. pairs, keyed: group lines grouped by body, each group through
    # `copies` (collected: one line per exact copy); each shard's tally of
    # the buckets its records join, summed by key, the buckets over the cap
    # of 32 collected; key entry lines grouped by table key, each bucket
    # through `buckets` (the candidates verify would not refuse at a
    # glance); candidate, copy and sign lines grouped by ordinal through
    # `join`, which ships each pair's first signature to its partner;
    # shipped and sign lines grouped by ordinal through `verify`.
    copies = by_line(signs.mapPartitions(lambda it: run(["groups"], it)), n, key_hash(n)).mapPartitions(
        lambda it: run(["copies"], it)
    ).collect()
    copies_b = sc.broadcast("".join(line + "\n" for line in copies))
    copy_lines = sc.parallelize(copies, n)
    del copies

    def copies_file():
        return local_file(copies_b, "copies", files_dir)

    large = (
        signs.mapPartitions(lambda it: run(["tally", "--copies", copies_file()], it))
        .map(lambda line: line.split("\t"))
        .map(lambda f: ((f[0], f[1]), int(f[2])))
        .reduceByKey(lambda a, b: a + b)
        .filter(lambda kv: kv[1] > 32)
        .map(lambda kv: f"{kv[0][0]}\t{kv[0][1]}\t{kv[1]}")
        .collect()
    )
    large_b = sc.broadcast("".join(line + "\n" for line in large))
    del large
    keys = signs.mapPartitions(
        lambda it: run(["keys", "--copies", copies_file(), "--tallies", local_file(large_b, "large", files_dir)], it)
    )
    candidates = by_line(keys, n, key_hash(n)).mapPartitions(lambda it: run(["buckets"], it))
    shipped = by_line(signs.union(candidates).union(copy_lines), n, ordinal_hash(n)).mapPartitions(
        lambda it: run(["join"], it)
    )
    pairs = (
        by_line(signs.union(shipped), n, ordinal_hash(n))
        .mapPartitions(lambda it: run(["verify"], it))
        .persist(StorageLevel.DISK_ONLY)
    )
    # 4. components of the pairs' graph: global, over the pairs only. 5.
    # route: component, sign and pair lines grouped and sorted by ordinal,
    # each partition through `route`, which keys the sign and pair lines by
    # component. 6. cluster: routed lines grouped and sorted by component,
    # each partition through `cluster`.
    components = pairs.coalesce(1).mapPartitions(lambda it: run(["components"], it))
    routed = by_line(components.union(signs).union(pairs), n, ordinal_hash(n)).mapPartitions(lambda it: run(["route"], it))
    links = by_line(routed, n, ordinal_hash(n)).mapPartitions(lambda it: run(["cluster", "--canonical", CANONICAL], it)).collect()
    signs.unpersist()
    pairs.unpersist()
    del signs, pairs, components, routed
    links_b = sc.broadcast("".join(line + "\n" for line in links))
    del links

    # 7. apply per shard; 8. gather members by canonical; 9. pieces in
    # ordinal order, merged in one partition, written by the executor. With
    # FORMAT=filter, apply and merge read the summed counts: the output's
    # shape depends on every record's.
    def counts_file():
        return local_file(counts_b, "counts", files_dir)

    def apply_args(k):
        return ["apply", "--format", FORMAT, "--counts", counts_file(), "--clusters", local_file(links_b, "links", files_dir), "--ordinal-base", str(bases[k])]

    applied = shards.mapPartitionsWithIndex(on_shard(apply_args)).persist(StorageLevel.DISK_ONLY)
    members = applied.filter(lambda line: line.split("\t", 2)[1] == "m2")
    gathered = by_line(members, n, ordinal_hash(n)).mapPartitions(
        lambda it: run(["gather", "--format", FORMAT, "--counts", counts_file()], it)
    )
    pieces = applied.filter(lambda line: line.split("\t", 2)[1] == "f2").union(gathered)
    merged = by_line(pieces, n, by_shard).coalesce(1).mapPartitions(lambda it: run(["merge", "--format", FORMAT, "--counts", counts_file()], it))
    out_dir = os.path.join(run_dir, "out")
    merged.saveAsTextFile("file://" + out_dir)
    applied.unpersist()
    # The part files, in order, to stdout: each line as the executor wrote it.
    for name in sorted(p for p in os.listdir(out_dir) if p.startswith("part-")):
        with open(os.path.join(out_dir, name), "rb") as part:
            shutil.copyfileobj(part, sys.stdout.buffer, 1 << 20)
    sys.stdout.buffer.flush()
    for bc in (counts_b, copies_b, large_b, links_b):
        bc.destroy()


if __name__ == "__main__":
    main(sys.argv[1:])
