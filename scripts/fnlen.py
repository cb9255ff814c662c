#!/usr/bin/env python3
"""fnlen: list the C functions in src/ longer than N lines (default 100).

    scripts/fnlen.py [--max N] [--all] [SRC_DIR]

A function's length runs from the line of its name to the line of its closing
brace. Exits 1 when a function over the limit is not in ALLOWED below, 0
otherwise; ctest runs it as lint.function_length.

The parse is a heuristic, not a C parser: comments, strings, character constants
and preprocessor lines are blanked first, then every '{' at file level that
follows a ')' opens a function whose name is the identifier before the matching
'('. That holds for this code base's style (one definition per top-level brace,
no K&R definitions, no function bodies made by macros).
"""
import argparse
import os
import re
import sys

# Functions over the limit that are left long on purpose, "path:function" (path
# relative to SRC_DIR) -> why. Each needs a reason; splitting it is better.
ALLOWED = {
}

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")


def blank(text):
    """The text with comments, literals and preprocessor lines replaced by
    spaces; newlines are kept, so line numbers stay right."""
    out = []
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and c == "#":
            # a directive, with its continuation lines
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out.append(" \n")
                    i += 2
                    continue
                out.append(" ")
                i += 1
            continue
        if c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
            continue
        if c == "/" and text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + c)
            i = j
            continue
        if c == "\n":
            line_start = True
        elif c not in " \t":
            line_start = False
        out.append(c)
        i += 1
    return "".join(out)


def functions(path):
    """(name, first line, last line) of each function defined in the file."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = blank(f.read())
    found = []
    depth = 0
    start = None  # (name, line) of the function whose body is open
    for i, c in enumerate(text):
        if c == "{":
            if depth == 0:
                start = definition(text, i)
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0 and start is not None:
                found.append((start[0], start[1], text.count("\n", 0, i) + 1))
                start = None
            depth = max(depth, 0)
    return found


def definition(text, brace):
    """(name, line) when the '{' at `brace` opens a function body, else None."""
    j = brace - 1
    while j >= 0 and text[j].isspace():
        j -= 1
    if j < 0 or text[j] != ")":
        return None  # a struct, an enum, an initializer
    depth = 0
    while j >= 0:  # back to the '(' of the parameter list
        if text[j] == ")":
            depth += 1
        elif text[j] == "(":
            depth -= 1
            if depth == 0:
                break
        j -= 1
    k = j - 1
    while k >= 0 and text[k].isspace():
        k -= 1
    m = IDENT.search(text[max(0, k - 200):k + 1])
    if m is None:
        return None
    name = m.group(0)
    if name in ("if", "while", "for", "switch", "return", "sizeof"):
        return None
    return name, text.count("\n", 0, k) + 1


def main():
    ap = argparse.ArgumentParser(description="C functions over N lines in src/")
    ap.add_argument("src", nargs="?", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    ap.add_argument("--max", type=int, default=100, help="longest function allowed (lines, default 100)")
    ap.add_argument("--all", action="store_true", help="list allowed ones too")
    args = ap.parse_args()

    over = []
    for root, dirs, files in os.walk(args.src):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".c"):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, args.src).replace(os.sep, "/")
            for fn, first, last in functions(path):
                if last - first + 1 > args.max:
                    over.append((rel, fn, first, last - first + 1))

    bad = 0
    seen = set()
    for rel, fn, line, length in over:
        key = "%s:%s" % (rel, fn)
        seen.add(key)
        why = ALLOWED.get(key)
        if why is None:
            bad += 1
            print("%s:%d: %s is %d lines (limit %d): split it, or allow it in scripts/fnlen.py with a reason"
                  % (rel, line, fn, length, args.max))
        elif args.all:
            print("%s:%d: %s is %d lines (allowed: %s)" % (rel, line, fn, length, why))
    for key in sorted(set(ALLOWED) - seen):
        print("note: %s is allowed but no longer over %d lines: drop it from ALLOWED" % (key, args.max))
    print("fnlen: %d function%s over %d lines, %d not allowed"
          % (len(over), "" if len(over) == 1 else "s", args.max, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
