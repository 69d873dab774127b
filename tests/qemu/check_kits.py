#!/usr/bin/python3
"""The integration kits for real boards cannot be compiled here (no ESP-IDF, Zephyr or
pico-sdk), so check what can be checked without them:

1. the root Kconfig parses with kconfiglib on its own, has no mainmenu, and every symbol is
   prefixed AMBC_ (ESP-IDF and Zephyr merge all Kconfig files into one namespace);
2. ESP-IDF's view: the root Kconfig sourced inside a "Component config" menu, as ESP-IDF
   merges components, parses without warnings and keeps the defaults;
3. Zephyr's view: zephyr/Kconfig (sourced with the MBEDTLS symbol Zephyr defines) parses
   without warnings; CONFIG_AMBC is a bool, off by default; with it on every AMBC_* option of
   the root Kconfig is visible with its default, and with it off none is;
4. the kits' build files name files that exist: zephyr/module.yml, zephyr/CMakeLists.txt, the
   ESP_PLATFORM block at the very top of the root CMakeLists.txt, boards/pico-w/CMakeLists.txt.
   (check_kit_manifests.py, ctest kits.manifests, reads the manifests themselves as YAML.)

usage: check_kits.py <repository root>     (run with an interpreter that has kconfiglib)
"""
import os
import re
import sys
import tempfile

import kconfiglib


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def load(root, top_text):
    """Parse top_text as the top Kconfig file with srctree=root; return (kconf, warnings)."""
    with tempfile.TemporaryDirectory() as tmp:
        top = os.path.join(tmp, "Kconfig.top")
        with open(top, "w") as f:
            f.write(top_text)
        os.environ["srctree"] = root
        kconf = kconfiglib.Kconfig(top, warn_to_stderr=False)
    return kconf, list(kconf.warnings)


def ambc_symbols(kconf):
    return {name: sym for name, sym in kconf.syms.items() if name.startswith("AMBC_")}


def check_root(root):
    text = open(os.path.join(root, "Kconfig")).read()
    if re.search(r"^\s*mainmenu\b", text, re.M):
        fail("the root Kconfig has a mainmenu (ESP-IDF and Zephyr provide their own)")
    kconf, warnings = load(root, 'source "Kconfig"\n')
    if warnings:
        fail(f"root Kconfig warnings: {warnings}")
    names = [n for n in kconf.syms if n not in ("UNAME_RELEASE",) and kconf.syms[n].nodes]
    unprefixed = [n for n in names if not n.startswith("AMBC_")]
    if unprefixed:
        fail(f"symbols without the AMBC_ prefix: {unprefixed}")
    defaults = {n: s.str_value for n, s in ambc_symbols(kconf).items()}
    print(f"root Kconfig: {len(defaults)} AMBC_ symbols, no mainmenu")
    return defaults


def check_esp_idf(root, defaults):
    kconf, warnings = load(root, 'mainmenu "ESP-IDF stand-in"\n'
                                 'menu "Component config"\nsource "Kconfig"\nendmenu\n')
    if warnings:
        fail(f"ESP-IDF view: warnings {warnings}")
    got = {n: s.str_value for n, s in ambc_symbols(kconf).items()}
    if got != defaults:
        fail("ESP-IDF view changes the defaults")
    print("ESP-IDF view (root Kconfig under Component config): parses, same defaults")


def check_zephyr(root, defaults):
    top = ('mainmenu "Zephyr stand-in"\n'
           'config MBEDTLS\n\tbool "mbedTLS (stands in for Zephyr\'s)"\n\tdefault y\n'
           'source "zephyr/Kconfig"\n')
    kconf, warnings = load(root, top)
    if warnings:
        fail(f"Zephyr view: warnings {warnings}")
    ambc = kconf.syms.get("AMBC")
    if ambc is None or ambc.type != kconfiglib.BOOL:
        fail("zephyr/Kconfig has no bool AMBC")
    if ambc.str_value != "n":
        fail("CONFIG_AMBC should be off until the application turns it on")
    hidden = [n for n, s in ambc_symbols(kconf).items() if s.visibility or s.config_string]
    if hidden:
        fail(f"with AMBC=n these options still show: {hidden}")
    ambc.set_value("y")
    got = {n: s.str_value for n, s in ambc_symbols(kconf).items()}
    if got != defaults:
        missing = sorted(set(defaults) - set(got))
        fail(f"with AMBC=y the root options differ (missing {missing})")
    kconf.syms["MBEDTLS"].set_value("n")
    if ambc.str_value != "n":
        fail("AMBC must depend on MBEDTLS")
    print(f"Zephyr view (zephyr/Kconfig): AMBC bool, off by default, depends on MBEDTLS, "
          f"gates all {len(defaults)} options")


def check_files(root):
    def exists(rel, why):
        if not os.path.exists(os.path.join(root, rel)):
            fail(f"{why} names {rel}, which does not exist")

    module = open(os.path.join(root, "zephyr", "module.yml")).read()
    for key in ("cmake", "kconfig"):
        m = re.search(rf"^\s+{key}:\s*(\S+)\s*$", module, re.M)
        if m is None:
            fail(f"zephyr/module.yml has no build.{key}")
        exists(m.group(1), "zephyr/module.yml")
    if not re.search(r"^name:\s*ambc\s*$", module, re.M):
        fail("zephyr/module.yml does not name the module ambc")

    zcmake = open(os.path.join(root, "zephyr", "CMakeLists.txt")).read()
    for rel in re.findall(r"\$\{AMBC_ROOT\}/([\w./*-]+)", zcmake):
        if "*" not in rel:
            exists(rel, "zephyr/CMakeLists.txt")
    for needed in ("zephyr_library()", "mbedTLS", "ambcFilePaths.cmake", "AMBC_CORE_SOURCES"):
        if needed not in zcmake:
            fail(f"zephyr/CMakeLists.txt lacks {needed}")

    cmake = open(os.path.join(root, "CMakeLists.txt")).read()
    code = [ln for ln in cmake.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not code or code[0].strip() != "if(ESP_PLATFORM)":
        fail("the root CMakeLists.txt must start with the if(ESP_PLATFORM) component block")
    block = cmake[cmake.index("if(ESP_PLATFORM)"):cmake.index("endif()\n\ncmake_minimum_required")]
    for needed in ("idf_component_register", "return()", "REQUIRES mbedtls lwip"):
        if needed not in block:
            fail(f"the ESP_PLATFORM block lacks {needed}")
    for rel in re.findall(r"\b(port/[\w./-]+\.c)\b", block):
        exists(rel, "the ESP_PLATFORM block")
    for port_option in ("CONFIG_AMBC_PORT_LWIP_SOCKETS", "CONFIG_AMBC_PORT_LWIP_RAW"):
        if port_option not in block:
            fail(f"the ESP_PLATFORM block ignores {port_option}")
    for rel in re.search(r"INCLUDE_DIRS (.*)", block).group(1).split():
        if not rel.startswith("${"):
            exists(rel, "the ESP_PLATFORM block")

    pico = open(os.path.join(root, "boards", "pico-w", "CMakeLists.txt")).read()
    for rel in re.findall(r"\$\{AMBC_ROOT\}/([\w./-]+)", pico):
        exists(rel, "boards/pico-w/CMakeLists.txt")
    for rel in ("boards/pico-w/main.c", "boards/pico-w/lwipopts.h",
                "boards/pico-w/ambc_pico_mbedtls_config.h", "idf_component.yml",
                "boards/esp-idf/examples/list_batches/main/main.c",
                "boards/zephyr/samples/list_batches/src/main.c",
                "boards/zephyr/samples/list_batches/prj.conf",
                "boards/zephyr/tests/offline/src/main.c"):
        exists(rel, "the kits")
    # The kits take their sources from ambcFilePaths.cmake: every list they name is set there.
    paths = open(os.path.join(root, "ambcFilePaths.cmake")).read()
    lists = set(re.findall(r"^set\((AMBC_\w+)", paths, re.M))
    for what, text in (("the ESP_PLATFORM block", block), ("zephyr/CMakeLists.txt", zcmake),
                       ("boards/pico-w/CMakeLists.txt", pico)):
        for name in re.findall(r"\$\{(AMBC_\w+_(?:SOURCES|DIRS))\}", text):
            if name not in lists:
                fail(f"{what} uses {name}, which ambcFilePaths.cmake does not set")
    print("kit build files: every named file exists; ESP_PLATFORM block is first in CMakeLists.txt")


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), "..", ".."))
    defaults = check_root(root)
    check_esp_idf(root, defaults)
    check_zephyr(root, defaults)
    check_files(root)
    print("OK (the kits themselves are not compiled here: no ESP-IDF, Zephyr or pico-sdk)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
