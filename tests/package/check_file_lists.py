"""ambcFilePaths.cmake is the one list of ambc's sources and public headers: fail when it and
the tree disagree, or when a build collects ambc's own sources with file(GLOB).

- every file it lists exists;
- every .c of core/ and port/ is in one of its *_SOURCES lists, every public header
  (include/ambc/, port/*/include/ambc/) in one of its *_PUBLIC_HEADERS lists: a new file is
  an edit of the list, seen in review, never picked up (or missed) silently;
- no CMakeLists.txt or .cmake file globs core/ or port/ (third-party trees may be globbed).

usage: check_file_lists.py ROOT
"""
import glob
import os
import re
import sys

# Globs over ambc's tree that are not build inputs: the format check covers every file.
GLOB_ALLOWED = {"AMBC_FORMATTED"}


def lists(root):
    """{name: [paths relative to root]} of every set(AMBC_...) in ambcFilePaths.cmake."""
    text = open(os.path.join(root, "ambcFilePaths.cmake")).read()
    text = re.sub(r"#.*", "", text)
    out = {}
    for name, body in re.findall(r"set\((AMBC_\w+)\s+([^)]*)\)", text):
        out[name] = [p.replace("${CMAKE_CURRENT_LIST_DIR}/", "") for p in body.split()]
    return out


def main():
    root = os.path.abspath(sys.argv[1])
    named = lists(root)
    bad = []
    for name, paths in named.items():
        bad += [f"{name} lists {p}, which does not exist" for p in paths
                if not os.path.exists(os.path.join(root, p))]
    sources = {p for n, ps in named.items() if n.endswith("_SOURCES") for p in ps}
    headers = {p for n, ps in named.items() if n.endswith("_PUBLIC_HEADERS") for p in ps}
    tree_c = glob.glob(os.path.join(root, "core", "*.c"))
    tree_c += glob.glob(os.path.join(root, "port", "**", "*.c"), recursive=True)
    tree_h = glob.glob(os.path.join(root, "include", "ambc", "*.h"))
    tree_h += glob.glob(os.path.join(root, "port", "*", "include", "ambc", "*.h"))
    for path, listed, kind in [(p, sources, "_SOURCES") for p in tree_c] + \
                              [(p, headers, "_PUBLIC_HEADERS") for p in tree_h]:
        rel = os.path.relpath(path, root)
        if rel not in listed:
            bad.append(f"{rel} is in no *{kind} list of ambcFilePaths.cmake")
    build_files = []
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not (dirpath == root and (d.startswith(("build", "."))))]
        build_files += [os.path.join(dirpath, f) for f in files
                        if f == "CMakeLists.txt" or f.endswith(".cmake")]
    for f in build_files:
        rel = os.path.relpath(f, root)
        for m in re.finditer(r"file\((GLOB\w*)\s+(\w+)[^)]*\)", open(f).read()):
            if m.group(2) in GLOB_ALLOWED:
                continue
            ours = r"(AMBC_ROOT|CMAKE_CURRENT_\w+_DIR)\}(/\.\.)*/(core|port)\b"
            if re.search(ours, m.group(0)) or \
                    (rel.startswith(("core", "port")) and "CMAKE_CURRENT_" in m.group(0)):
                bad.append(f"{rel} globs ambc's own sources: {m.group(0)}")
    for b in bad:
        print("FAIL:", b)
    print(f"ambcFilePaths.cmake: {len(sources)} sources, {len(headers)} public headers, "
          f"{len(build_files)} build files without a glob of core/ or port/")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
