#!/usr/bin/python3
"""Writes gitignore-spec-cases.json: (patterns, path, excluded) computed by the reference for
in-toto 2.x exclude patterns, `GitIgnoreSpec.from_lines("gitwildmatch", patterns).match_file(path)`
(in-toto 2.2 `resolver/_resolver.py: FileResolver._exclude`) with pathspec 1.1.1.

Debian ships pathspec 0.11 (for in-toto 1.3.1), so put pathspec 1.1.1's source first:

    PYTHONPATH=/path/to/python-pathspec /usr/bin/python3 src/core/record/__fixtures__/generate-gitignore-spec-cases.py

The output is committed so the tests need no Python. A pattern list pathspec refuses is
recorded with "error" instead of a verdict.
"""
import json
import os
import sys
import warnings

import pathspec
from pathspec import GitIgnoreSpec

warnings.simplefilter("ignore")  # 'gitwildmatch' is deprecated in 1.x, and still what in-toto asks for

PATTERN_LISTS = [
    ["*.link*", ".git", "*.pyc", "*~"],
    ["*.py"], ["sub"], ["sub/"], ["/sub"], ["src/"], ["/src"], ["src"], ["src/*"], ["src/**"],
    ["src/**/"], ["**"], ["**/"], ["*"], ["*/"], ["**/*"], ["**/*/**"], ["*/**"], ["**/sub/**"],
    ["a/**/b"], ["**/b"], ["*.txt", "!c.txt"], ["src/sub/*", "!src/sub/c.txt"],
    ["sub/", "!sub/c.txt"], ["!sub/c.txt", "sub/"], ["src", "!src/a.py"], ["!src", "src/a.py"],
    ["dist/", "!dist/y.txt"], ["dist/**", "!dist/y.txt"], ["[^a]*.py"], ["[!a]*.py"], ["[z-a]*"],
    ["[abc"], ["x[]y"], ["[]]"], ["\\*"], ["\\!x"], ["\\#x"], ["#x"], ["  spaced"], ["*.txt  "],
    ["*.txt\\ "], ["a?c"], ["*.TXT"], ["src/sub"], ["sub/c.txt"], ["c.txt/"], ["/"], [""],
    ["!"], ["src//a.py"], ["src/./a.py"], ["*.py", "!*.py"], ["!*.py", "*.py"],
    ["src/", "!src/sub/", "src/sub/c.txt"], ["src/**", "!src/sub/"],
]

PATHS = [
    "a.py", "b.pyc", "c.txt", "d~", "foo.link", "foo.link.txt", ".git", ".git/HEAD", "src",
    "src/a.py", "src/b.pyc", "src/sub", "src/sub/c.txt", "src/sub/d~", "sub", "sub/c.txt",
    "dist", "dist/y.txt", "dist/pkg/x.tar", "a/b", "a/x/b", "a/x/y/b", "b", "x/b", "abc",
    "xyz.py", "*", "!x", "#x", "  spaced", "x/  spaced", "c.txt ", "src/C.TXT", "a\nb.py",
    "src/sub/deep/e.txt", "./src/a.py", "/src/a.py",
]


def main():
    cases = []
    for patterns in PATTERN_LISTS:
        try:
            spec = GitIgnoreSpec.from_lines("gitwildmatch", patterns)
        except Exception as error:  # noqa: BLE001 - what pathspec raises is the expected result
            cases.append([patterns, None, "error: " + type(error).__name__])
            continue
        for path in PATHS:
            cases.append([patterns, path, bool(spec.match_file(path))])
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gitignore-spec-cases.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"generator": os.path.basename(__file__), "python": sys.version.split()[0], "pathspec": pathspec.__version__, "cases": cases}, f, ensure_ascii=True, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
