#!/usr/bin/python3
"""Writes fnmatch-cases.json: (pattern, name, expected) triples computed by the reference,
Python 3.11 `fnmatch.fnmatchcase` (what in-toto 1.3.1's `fnmatch.filter` does on POSIX).

Run with the system interpreter (the one in-toto 1.3.1 is installed for):

    /usr/bin/python3 src/core/rules/__fixtures__/generate-fnmatch-cases.py

The output is committed so the tests need no Python.
"""
import fnmatch
import json
import os
import random
import sys

# Hand-picked corners of fnmatch.translate (see verifier-semantics.md section 5.3).
TRICKY_PATTERNS = [
    "", "*", "**", "***", "?", "??", "*?", "?*", "a*", "*a", "a*b", "a*b*c", "*a*a*b",
    "a?c", "a/*", "*/b", "a*/*", "*.py", "src/*.py", "[abc]", "[!abc]", "[^abc]", "[^]",
    "[]]", "[!]]", "[]a]", "[!]a]", "[]-a]", "[a-c]", "[!a-c]", "[c-a]", "[!c-a]", "[z-a]",
    "[a-]", "[-a]", "[!-a]", "[!a-]", "[a-c-e]", "[a-cx-z]", "[z-ab-c]", "[!z-ab-c]",
    "[--a]", "[a--]", "[-]", "[!-]", "[---]", "[a-a]", "[\\]", "[\\]]", "[a-\\]", "[\\-a]",
    "[", "a[", "[a", "[!", "[!]", "[]", "[!]]x", "a[!]", "[[]", "[[a]", "[a[]", "[&&]",
    "[a&&b]", "[~~]", "[||]", "\\", "a\\*", "\\*", "a\\", "\\?", "[*]", "[?]", "[?*]",
    "x[*]y", "[é]", "[à-ë]", "[😀]", "[!😀]", "[😀-😂]", "[😂-😀]", "?😀", "😀*", "*😀",
    "[\ue000-😀]", "[a-😀]", "\n", "*\n", "[\n]", "[!\n]", "?", "a\nb", "[.]", ".", "(", ")",
    "{a,b}", "a|b", "$", "^a", "a$", "+", "[^!]", "[!^]", "[!!]", "[!!-#]", "[#-!]",
    "[a-c][!x]*", "*[!/]", "*/*/*", "[/]", "[!/]", "*[z-a]*", "*[!z-a]*", "[!z-a]",
]

TRICKY_NAMES = [
    "", "a", "b", "c", "x", "A", "^", "]", "[", "!", "-", "\\", "*", "?", "/", "\n", "é", "è",
    "😀", "😁", "😂", "\ue000", "ab", "abc", "a/b", "a/b/c.txt", "a\nb", "a\\", "a\\b",
    "a[", "[!]", "[!]x", "]a", "src/x.py", "x.py", ".py", "aab", "ab\n", "\\]", "&", "~", "|",
    "a😀", "😀a", "a😀b", "[]", "^a", "a$", "{a,b}", "#", "\"",
]

ALPHABET_PATTERN = list("abc/\n-!^][*?\\.") + ["é", "😀", "😁", "\ue000", "A", "z", " "]
ALPHABET_NAME = list("abc/\n-!^][*?\\.") + ["é", "😀", "😁", "\ue000", "A", "z", " "]


def instantiate(pattern, rng):
    """A name that often matches `pattern`: stars expanded, classes replaced by a guess."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        i += 1
        if c == "*":
            out.append("".join(rng.choice(ALPHABET_NAME) for _ in range(rng.randrange(3))))
        elif c == "?":
            out.append(rng.choice(ALPHABET_NAME))
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j < 0 or rng.random() < 0.3:
                out.append("[")
            else:
                inner = pattern[i:j] or "a"
                out.append(rng.choice(inner))
                i = j + 1
        else:
            out.append(c)
    return "".join(out)


def main():
    rng = random.Random(20240519)
    cases = []
    seen = set()

    def add(pattern, name):
        if (pattern, name) in seen:
            return
        seen.add((pattern, name))
        cases.append([pattern, name, fnmatch.fnmatchcase(name, pattern)])

    for pattern in TRICKY_PATTERNS:
        for name in TRICKY_NAMES:
            add(pattern, name)
        add(pattern, pattern)

    for _ in range(1500):
        pattern = "".join(rng.choice(ALPHABET_PATTERN) for _ in range(rng.randrange(9)))
        for _ in range(2):
            add(pattern, "".join(rng.choice(ALPHABET_NAME) for _ in range(rng.randrange(11))))
        add(pattern, instantiate(pattern, rng))
        add(pattern, instantiate(pattern, rng))

    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "fnmatch-cases.json"), "w", encoding="utf-8") as out:
        header = json.dumps({"generator": "generate-fnmatch-cases.py", "python": sys.version.split()[0]})
        out.write(header[:-1] + ', "cases": [\n')
        out.write(",\n".join(json.dumps(case, ensure_ascii=True, separators=(",", ":")) for case in cases))
        out.write("\n]}\n")
    matched = sum(1 for case in cases if case[2])
    print(f"{len(cases)} cases, {matched} matching")


if __name__ == "__main__":
    main()
