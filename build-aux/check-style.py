#!/usr/bin/env python3
# The repository's text files keep the rules .editorconfig states: UTF-8,
# LF line ends, a final newline, no trailing whitespace, and spaces (not
# tabs) where indent_style = space. max_line_length is the editors' guide
# and clang-format's limit for new code; lines past it are counted, not
# failed (older code has ~600). Only the parts of EditorConfig that file
# uses are understood here.
import fnmatch
import os
import re
import subprocess
import sys


def expand_braces(pattern):
    match = re.search(r"\{([^{}]*)\}", pattern)
    if not match:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end():]
    return [p for alt in match.group(1).split(",") for p in expand_braces(head + alt + tail)]


def read_sections(path):
    sections = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("[") and line.endswith("]"):
                sections.append((expand_braces(line[1:-1]), {}))
            elif "=" in line and sections:
                key, value = (part.strip() for part in line.split("=", 1))
                sections[-1][1][key.lower()] = value.lower()
    return sections


def rules_for(relpath, sections):
    rules = {}
    for patterns, props in sections:
        for pattern in patterns:
            target = relpath if "/" in pattern else os.path.basename(relpath)
            if fnmatch.fnmatchcase(target, pattern.lstrip("/")):
                rules.update(props)
                break
    return rules


def check(relpath, data, rules, long_lines):
    problems = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return [f"{relpath}: not UTF-8"] if rules.get("charset") == "utf-8" else []
    if rules.get("end_of_line") == "lf" and "\r" in text:
        problems.append(f"{relpath}: has CR line ends")
    if rules.get("insert_final_newline") == "true" and text and not text.endswith("\n"):
        problems.append(f"{relpath}: no newline at the end")
    limit = int(rules["max_line_length"]) if rules.get("max_line_length", "off").isdigit() else None
    for number, line in enumerate(text.split("\n"), 1):
        if rules.get("trim_trailing_whitespace") == "true" and line != line.rstrip(" \t"):
            problems.append(f"{relpath}:{number}: trailing whitespace")
        if rules.get("indent_style") == "space" and line.startswith("\t"):
            problems.append(f"{relpath}:{number}: indented with a tab")
        if limit is not None and len(line) > limit:
            long_lines.append(f"{relpath}:{number}")
    return problems


def main():
    top = sys.argv[1]
    sections = read_sections(os.path.join(top, ".editorconfig"))
    listed = subprocess.run(["git", "-C", top, "ls-files", "-z"], capture_output=True, check=False)
    if listed.returncode != 0:
        print("not a git checkout: nothing to check")
        return 77
    problems = []
    long_lines = []
    checked = 0
    for relpath in listed.stdout.decode().split("\0"):
        path = os.path.join(top, relpath)
        if not relpath or not os.path.isfile(path) or os.path.islink(path):
            continue
        rules = rules_for(relpath, sections)
        with open(path, "rb") as f:
            data = f.read()
        if b"\0" in data[:8192]:
            continue  # binary: a picture, a sound
        checked += 1
        problems += check(relpath, data, rules, long_lines)
    for problem in problems:
        print(problem)
    print(f"{checked} files checked against .editorconfig, {len(problems)} problems; "
          f"{len(long_lines)} lines past max_line_length")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
