#!/usr/bin/env python3
"""Adversarial inputs for benches/adversarial.sh, each at a given size n:

    python3 benches/adversarial_gen.py SHAPE N OUT

identical    n identical copies of one story
boilerplate  n different stories, one outlet, one paragraph in every body
roundup      n short stories plus one record holding all of them
outlets      n stories from n different outlets, each reprinted by one other
blank        n MB of blank lines (with one record at the end)
tiny         n copies of {"body":"a"}
"""
import json
import random
import sys

shape, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(1)
VOCAB = [f"{r}{s}" for r in ("min", "vot", "riv", "stor", "cour", "bord", "mark", "ener", "scho", "unio",
                              "harb", "poli", "budg", "fest", "viru", "rock", "brid", "stri", "trea", "coun")
         for s in ("a", "e", "i", "o", "u", "al", "ed", "er", "ing", "ist", "ous", "ment", "ly", "s", "ward")]


def text(words):
    return " ".join(rng.choice(VOCAB) for _ in range(words))


def rec(i, body, source="Wire"):
    return json.dumps({"id": f"r{i}", "source": source, "title": f"Story {i}", "body": body}) + "\n"


with open(out, "w") as f:
    if shape == "identical":
        story = text(300)
        for i in range(n):
            f.write(rec(i, story))
    elif shape == "boilerplate":
        para = "Sign up for our newsletter to get the day's top stories in your inbox every morning."
        for i in range(n):
            f.write(rec(i, text(150) + "\n\n" + para + "\n\n" + text(50), "Daily Post"))
    elif shape == "roundup":
        stories = [text(40) for _ in range(n)]
        for i, s in enumerate(stories):
            f.write(rec(i, s))
        f.write(rec(n, "\n\n".join(stories), "Roundup"))
    elif shape == "outlets":
        for i in range(n):
            s = text(120)
            f.write(rec(2 * i, s, f"Outlet {i}"))
            f.write(rec(2 * i + 1, "BERLIN (AFP) - " + s, f"Outlet {i} Reprints"))
    elif shape == "blank":
        chunk = "\n" * (1 << 20)
        for _ in range(n):
            f.write(chunk)
        f.write(rec(0, text(50)))
    elif shape == "tiny":
        line = '{"body":"a"}\n'
        for _ in range(n):
            f.write(line)
    else:
        sys.exit(f"unknown shape {shape}")
