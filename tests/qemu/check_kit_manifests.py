#!/usr/bin/python3
"""The integration kits' manifests, checked the way their platforms read them, as far as this
machine allows (no ESP-IDF, Zephyr, twister or pico-sdk here):

ESP-IDF  idf_component.yml (the component: the repository root): the fields the Component
         Manager and the Registry read, the version equal to AMBC_VERSION, files.exclude not
         excluding what the component or its examples need (and every pattern matching
         something), every example a project in the registry's layout; each example's
         main/idf_component.yml (ambc through override_path to this component, protocol
         examples from ESP-IDF), main/Kconfig.projbuild (parses, defines what main.c uses),
         sdkconfig.defaults (bundle, dates, record sizes; AMBC_ symbols that exist).
Zephyr   zephyr/module.yml against the schema of Zephyr's scripts/zephyr_module.py, its
         samples/tests roots holding sample.yaml/testcase.yaml; each sample.yaml and
         testcase.yaml against twister's testsuite schema (keys, types, names); each app's
         CMakeLists.txt and prj.conf: the TLS symbols a handshake with the real API needs,
         record buffers and heap, no symbol that Zephyr 4.0 to 4.3 does not have.
Pico W   the country code is settable with a stated default; the poll sleeps until work.

YAML is read with python3-yaml (Debian), strictly: a key given twice is an error.
Prints PENDING for values only the project's owner can set (licence, home page).

usage: check_kit_manifests.py <repository root>   (an interpreter with kconfiglib and yaml)
"""
import os
import re
import sys
import tempfile

import kconfiglib
import yaml

PENDING = []


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping key given twice (PyYAML keeps the last silently)."""


def _mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} given twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_yaml(path):
    if not os.path.isfile(path):
        fail(f"{path} does not exist")
    try:
        with open(path) as f:
            data = yaml.load(f, Loader=StrictLoader)
    except yaml.YAMLError as e:
        fail(f"{path}: not valid YAML: {e}")
    if not isinstance(data, dict):
        fail(f"{path}: the top level must be a mapping")
    return data


def rel(root, path):
    return os.path.relpath(path, root)


def expect_keys(where, data, allowed, required=()):
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        fail(f"{where}: unknown keys {unknown} (allowed: {sorted(allowed)})")
    missing = [k for k in required if k not in data]
    if missing:
        fail(f"{where}: missing required keys {missing}")


def ambc_version(root):
    text = open(os.path.join(root, "include", "ambc", "ambc.h")).read()
    m = re.search(r'^#define AMBC_VERSION\s+"([^"]+)"', text, re.M)
    if m is None:
        fail("include/ambc/ambc.h defines no AMBC_VERSION")
    return m.group(1)


def root_kconfig_symbols(root):
    with tempfile.TemporaryDirectory() as tmp:
        top = os.path.join(tmp, "Kconfig.top")
        with open(top, "w") as f:
            f.write('config MBEDTLS\n\tbool\n\tdefault y\nsource "zephyr/Kconfig"\n')
        os.environ["srctree"] = root
        kconf = kconfiglib.Kconfig(top, warn_to_stderr=False)
    return {n for n, s in kconf.syms.items() if s.nodes}


def conf_assignments(path):
    """CONFIG_X=value lines of a Kconfig fragment (prj.conf, sdkconfig.defaults)."""
    values = {}
    for n, line in enumerate(open(path), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r"CONFIG_([A-Za-z0-9_]+)=(.*)", line)
        if m is None:
            fail(f"{path}:{n}: not a CONFIG_X=value line: {line!r}")
        if m.group(1) in values:
            fail(f"{path}:{n}: CONFIG_{m.group(1)} set twice")
        values[m.group(1)] = m.group(2)
    return values


def check_ambc_symbols(where, values, known):
    unknown = sorted(f"CONFIG_{n}" for n in values if n.startswith("AMBC") and n not in known)
    if unknown:
        fail(f"{where}: {unknown} are not ambc Kconfig symbols")


# ---- ESP-IDF ---------------------------------------------------------------------------------

# The manifest's fields (IDF Component Manager, reference/manifest_file).
IDF_MANIFEST_KEYS = {"version", "description", "license", "url", "repository", "repository_info",
                     "documentation", "issues", "discussion", "maintainers", "tags", "targets",
                     "dependencies", "files", "examples"}
IDF_TARGETS = {"esp32", "esp32s2", "esp32s3", "esp32c2", "esp32c3", "esp32c5", "esp32c6",
               "esp32c61", "esp32h2", "esp32h21", "esp32h4", "esp32p4", "linux"}
# ESP-IDF's own components the examples require (not from the registry).
IDF_BUILTINS = {"mbedtls", "lwip", "nvs_flash", "esp_netif", "esp_event", "esp_wifi",
                "esp_timer", "freertos", "log", "esp_system"}
# What a component user needs from the repository, relative to its root (the ESP_PLATFORM
# block takes its sources and include directories from ambcFilePaths.cmake).
COMPONENT_NEEDS = ("core", "include", "port", "Kconfig", "CMakeLists.txt", "ambcFilePaths.cmake",
                   "idf_component.yml")


def glob_regex(pattern):
    """The Component Manager's file patterns: ** spans directories, * and ? do not."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def files_under(root, top):
    path = os.path.join(root, top)
    if os.path.isfile(path):
        return [top]
    found = []
    for d, dirs, names in os.walk(path):
        dirs[:] = [x for x in dirs if x not in (".git", "build")]
        found += [rel(root, os.path.join(d, n)) for n in names]
    return found


def version_floor(where, spec):
    """The lowest version a range like '>=5.1' admits, as a tuple."""
    m = re.fullmatch(r"\s*>=\s*(\d+)\.(\d+)(?:\.(\d+))?\s*(?:,.*)?", str(spec))
    if m is None:
        fail(f"{where}: idf version {spec!r} is not a '>=X.Y' range")
    return tuple(int(x or 0) for x in m.groups())


def dep_version(where, name, value):
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("version"), str):
        return value["version"]
    fail(f"{where}: dependency {name} has no version string")


def check_idf_files(root, manifest, examples):
    patterns = manifest.get("files", {}).get("exclude", [])
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        fail("idf_component.yml: files.exclude must be a list of patterns")
    every = files_under(root, ".")
    # What the component's build (the ESP_PLATFORM block of the root CMakeLists.txt) names.
    cmake = open(os.path.join(root, "CMakeLists.txt")).read()
    block = re.sub(r"#[^\n]*", "", cmake[:cmake.find("return()")])
    named = {re.sub(r"/[^/]*[*?].*$", "", w)
             for w in re.findall(r"(?:LIST_DIR\}/|\s)([\w.-]+/[\w./*-]+)", block)}
    tops = COMPONENT_NEEDS + tuple(examples) + tuple(
        sorted(n for n in named if os.path.exists(os.path.join(root, n))))
    needed = [f for top in tops for f in files_under(root, top)]
    for p in patterns:
        rx = glob_regex(p)
        if not any(rx.match(f) for f in every):
            fail(f"idf_component.yml: files.exclude {p!r} matches no file (a wrong path?)")
        cut = [f for f in needed if rx.match(f)]
        if cut:
            fail(f"idf_component.yml: files.exclude {p!r} would drop {cut[:3]}")


def check_idf_example(root, path):
    where = f"example {path}"
    ex = os.path.join(root, path)
    cmake = os.path.join(ex, "CMakeLists.txt")
    if not os.path.isfile(cmake):
        fail(f"{where}: no CMakeLists.txt")
    text = open(cmake).read()
    for needed in ("include($ENV{IDF_PATH}/tools/cmake/project.cmake)", "project("):
        if needed not in text:
            fail(f"{where}: CMakeLists.txt lacks {needed} (not an ESP-IDF project)")
    if "EXTRA_COMPONENT_DIRS" in text:
        fail(f"{where}: EXTRA_COMPONENT_DIRS breaks an example served by the registry")
    main_cmake = open(os.path.join(ex, "main", "CMakeLists.txt")).read()
    m = re.search(r"idf_component_register\((.*?)\)", main_cmake, re.S)
    if m is None:
        fail(f"{where}: main/CMakeLists.txt registers no component")
    requires = re.search(r"REQUIRES\s+(.*)", m.group(1), re.S)
    requires = requires.group(1).split() if requires else []
    for src in re.findall(r'SRCS\s+"([^"]+)"', m.group(1)):
        if not os.path.isfile(os.path.join(ex, "main", src)):
            fail(f"{where}: main/CMakeLists.txt names {src}, which does not exist")
    mpath = os.path.join(ex, "main", "idf_component.yml")
    deps = load_yaml(mpath).get("dependencies")
    if not isinstance(deps, dict):
        fail(f"{where}: main/idf_component.yml has no dependencies mapping")
    if "idf" not in deps or version_floor(where, dep_version(where, "idf", deps["idf"])) < (5, 1):
        fail(f"{where}: main/idf_component.yml must require idf >=5.1 (esp_netif_sntp)")
    ambc = [k for k in deps if k.split("/")[-1] == "ambc"]
    if len(ambc) != 1 or not isinstance(deps[ambc[0]], dict):
        fail(f"{where}: main/idf_component.yml must depend on ambc once, as a mapping")
    dep = deps[ambc[0]]
    dep_version(where, "ambc", dep)
    over = dep.get("override_path")
    target = os.path.normpath(os.path.join(ex, "main", str(over)))
    if over is None or not os.path.isdir(target) or not os.path.samefile(target, root):
        fail(f"{where}: ambc's override_path {over!r} does not lead to the component ({root})")
    pec = deps.get("protocol_examples_common", {})
    if not str(pec.get("path", "")).startswith("${IDF_PATH}/examples/common_components/"):
        fail(f"{where}: protocol_examples_common must come from ${{IDF_PATH}}/examples")
    short = {k.split("/")[-1] for k in deps}
    missing = [r for r in requires if r not in IDF_BUILTINS and r not in short]
    if missing:
        fail(f"{where}: main/CMakeLists.txt REQUIRES {missing}, which no manifest provides")
    return ex


def check_idf_kconfig_and_defaults(root, ex, known):
    where = f"example {rel(root, ex)}"
    kpath = os.path.join(ex, "main", "Kconfig.projbuild")
    with tempfile.TemporaryDirectory() as tmp:
        top = os.path.join(tmp, "Kconfig.top")
        with open(top, "w") as f:
            f.write(f'mainmenu "ESP-IDF stand-in"\nsource "{kpath}"\n')
        kconf = kconfiglib.Kconfig(top, warn_to_stderr=False)
    if kconf.warnings:
        fail(f"{where}: Kconfig.projbuild warnings {kconf.warnings}")
    own = {n for n, s in kconf.syms.items() if s.nodes}
    if not own or any(not n.startswith("AMBC_EXAMPLE_") for n in own):
        fail(f"{where}: Kconfig.projbuild symbols must be AMBC_EXAMPLE_*: {sorted(own)}")
    used = set(re.findall(r"CONFIG_(AMBC_EXAMPLE_\w+)", open(os.path.join(ex, "main",
                                                                          "main.c")).read()))
    if used - own:
        fail(f"{where}: main.c uses {sorted(used - own)}, not defined in Kconfig.projbuild")
    values = conf_assignments(os.path.join(ex, "sdkconfig.defaults"))
    check_ambc_symbols(f"{where}: sdkconfig.defaults", values, known)
    wanted = {"AMBC_PORT_LWIP_SOCKETS": "y", "MBEDTLS_CERTIFICATE_BUNDLE": "y",
              "MBEDTLS_HAVE_TIME_DATE": "y", "MBEDTLS_SSL_IN_CONTENT_LEN": "16384"}
    for sym, val in wanted.items():
        if values.get(sym) != val:
            fail(f"{where}: sdkconfig.defaults must set CONFIG_{sym}={val}")
    main_c = open(os.path.join(ex, "main", "main.c")).read()
    for needed in ("esp_crt_bundle_attach(", ".conf_hook", "esp_netif_sntp_init(",
                   "esp_netif_sntp_sync_wait("):
        if needed not in main_c:
            fail(f"{where}: main.c does not use {needed} (bundle through the hook, SNTP time)")


def check_esp_idf(root, known):
    manifest = load_yaml(os.path.join(root, "idf_component.yml"))
    where = "idf_component.yml"
    expect_keys(where, manifest, IDF_MANIFEST_KEYS,
                ("version", "description", "license", "url", "targets", "dependencies"))
    if manifest["version"] != ambc_version(root):
        fail(f"{where}: version {manifest['version']!r} is not AMBC_VERSION "
             f"{ambc_version(root)!r}")
    if not re.fullmatch(r"\d+\.\d+\.\d+(?:[~-][0-9A-Za-z.~-]+)?", str(manifest["version"])):
        fail(f"{where}: version {manifest['version']!r} is not major.minor.patch")
    if not isinstance(manifest["description"], str) or len(manifest["description"]) < 20:
        fail(f"{where}: description must say what the component is")
    lic = manifest["license"]
    if not isinstance(lic, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.+-]*", lic):
        fail(f"{where}: license {lic!r} is not an SPDX identifier")
    if lic.startswith("LicenseRef-"):
        PENDING.append(f"idf_component.yml license {lic}: the registry needs an SPDX licence")
    url = manifest["url"]
    if not isinstance(url, str) or not re.fullmatch(r"https://[A-Za-z0-9.-]+(/\S*)?", url):
        fail(f"{where}: url {url!r} is not an https URL")
    if re.search(r"\.(example\.(org|com|net)|invalid)(/|$)", url):
        PENDING.append(f"idf_component.yml url {url}: a placeholder until the project has a home")
    targets = manifest["targets"]
    if not isinstance(targets, list) or not targets or set(targets) - IDF_TARGETS:
        fail(f"{where}: targets {targets!r} must be a non-empty list of ESP-IDF targets")
    deps = manifest["dependencies"]
    if not isinstance(deps, dict) or "idf" not in deps:
        fail(f"{where}: dependencies must be a mapping with idf")
    for name, value in deps.items():
        dep_version(where, name, value)
        if isinstance(value, dict) and {"path", "git", "override_path"} & set(value):
            fail(f"{where}: dependency {name} is local or git: the registry refuses those")
    if version_floor(where, dep_version(where, "idf", deps["idf"])) < (5, 1):
        fail(f"{where}: the examples need idf >=5.1 (esp_netif_sntp)")
    examples = manifest.get("examples", [])
    if not isinstance(examples, list) or not examples:
        fail(f"{where}: examples must list the example projects (they are not under examples/)")
    paths = []
    for e in examples:
        if not isinstance(e, dict) or set(e) != {"path"} or not isinstance(e["path"], str):
            fail(f"{where}: each example must be {{path: <dir>}}, not {e!r}")
        paths.append(e["path"])
        ex = check_idf_example(root, e["path"])
        check_idf_kconfig_and_defaults(root, ex, known)
    check_idf_files(root, manifest, paths)
    print(f"ESP-IDF: idf_component.yml {manifest['version']} ({len(targets)} targets), "
          f"{len(paths)} example(s) in the registry's layout, files.exclude keeps what is needed")


# ---- Zephyr ----------------------------------------------------------------------------------

# zephyr/module.yml (scripts/zephyr_module.py METADATA_SCHEMA, doc/develop/modules.rst).
MODULE_KEYS = {"name", "build", "tests", "samples", "boards", "blobs", "security"}
MODULE_BUILD_KEYS = {"cmake", "kconfig", "cmake-ext", "kconfig-ext", "sysbuild-cmake",
                     "sysbuild-kconfig", "sysbuild-cmake-ext", "sysbuild-kconfig-ext", "depends",
                     "settings"}

# twister's scripts/schemas/twister/testsuite-schema.yaml: the keys of `common` and of a test.
TW_BOOL = {"build_only", "build_on_all", "skip", "slow", "sysbuild", "ignore_faults",
           "ignore_qemu_crash"}
TW_INT = {"min_ram", "min_flash", "timeout"}
TW_STR = {"depends_on", "filter", "harness", "type", "extra_sections"}
TW_STR_OR_LIST = {"tags", "platform_allow", "platform_exclude", "arch_allow", "arch_exclude",
                  "toolchain_allow", "toolchain_exclude", "extra_args"}
TW_LIST = {"integration_platforms", "extra_configs", "extra_conf_files", "extra_overlay_confs",
           "extra_dtc_overlay_files", "levels", "testcases", "platform_type", "platform_key",
           "modules", "required_snippets"}
TW_MAP = {"harness_config"}
TW_KEYS = TW_BOOL | TW_INT | TW_STR | TW_STR_OR_LIST | TW_LIST | TW_MAP
TW_LEVELS = {"smoke", "unit", "integration", "acceptance", "system", "regression"}

# For a handshake with the real API (ECDSA P-256 leaf first, RSA fallback, P-256/P-384
# chains, AES-GCM, SHA-384 suites, SNI, PEM roots, entropy): all must be y.
ZEPHYR_TLS_ON = ("MBEDTLS", "MBEDTLS_BUILTIN", "MBEDTLS_ENABLE_HEAP",
                 "MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED",
                 "MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED",
                 "MBEDTLS_ECP_C", "MBEDTLS_ECDH_C", "MBEDTLS_ECDSA_C",
                 "MBEDTLS_ECP_DP_SECP256R1_ENABLED", "MBEDTLS_ECP_DP_SECP384R1_ENABLED",
                 "MBEDTLS_RSA_C", "MBEDTLS_PKCS1_V15", "MBEDTLS_CIPHER_AES_ENABLED",
                 "MBEDTLS_CIPHER_GCM_ENABLED", "MBEDTLS_SHA256", "MBEDTLS_SHA384", "MBEDTLS_SHA512",
                 "MBEDTLS_PEM_CERTIFICATE_FORMAT", "MBEDTLS_SERVER_NAME_INDICATION",
                 "MBEDTLS_ENTROPY_C", "MBEDTLS_ENTROPY_POLL_ZEPHYR", "ENTROPY_GENERATOR")
# Names that Zephyr 4.0 to 4.3 does not have, or that 4.3 renamed (a fragment assigning an
# unknown symbol aborts the build): from the migration guides of 4.0, 4.3 and 4.4.
ZEPHYR_NOT_IN_RANGE = re.compile(
    r"MBEDTLS_(ENTROPY_ENABLED|ZEPHYR_ENTROPY|(MAC|HASH)_\w+_ENABLED|TLS_VERSION_1_[0-3]"
    r"|SSL_EXPORT_KEYS|MD|LMS|DTLS|CTR_DRBG_ENABLED|HMAC_DRBG_ENABLED|TLS_SESSION_TICKETS"
    r"|PSA_DRIVER_GET_ENTROPY|SSL_SERVER_NAME_INDICATION|PEM_PARSE_C|PEM_WRITE_C|BASE64_C"
    r"|CONFIG_FILE|CUSTOM)")
RECORD_OVERHEAD = 512    # per record buffer, beyond the content (header, MAC, IV, padding)
HANDSHAKE_WORKING = 16384  # measured 6.5 to 9.2 KB on Cortex-M3 (P-256, RSA-2048): 16 KB


def twister_entry(where, entry):
    if not isinstance(entry, dict):
        fail(f"{where}: must be a mapping")
    expect_keys(where, entry, TW_KEYS)
    for k, v in entry.items():
        ok = True
        if k in TW_BOOL:
            ok = isinstance(v, bool)
        elif k in TW_INT:
            ok = isinstance(v, int) and not isinstance(v, bool)
        elif k in TW_STR:
            ok = isinstance(v, str)
        elif k in TW_STR_OR_LIST:
            ok = isinstance(v, str) or (isinstance(v, list) and
                                        all(isinstance(x, str) for x in v))
        elif k in TW_LIST:
            ok = isinstance(v, list) and all(isinstance(x, str) for x in v)
        elif k in TW_MAP:
            ok = isinstance(v, dict)
        if ok is not True:
            fail(f"{where}: {k} has the wrong type ({type(v).__name__})")
    if set(entry.get("levels", [])) - TW_LEVELS:
        fail(f"{where}: levels must be among {sorted(TW_LEVELS)}")


def as_list(v):
    return v.split() if isinstance(v, str) else list(v or [])


def check_twister_file(root, path, kind):
    """kind: 'sample' (sample.yaml) or 'test' (testcase.yaml)."""
    data = load_yaml(path)
    where = rel(root, path)
    expect_keys(where, data, {"sample", "common", "tests"}, ("tests",))
    if kind == "sample":
        if not isinstance(data.get("sample"), dict):
            fail(f"{where}: a sample.yaml needs a sample: mapping")
        expect_keys(f"{where} sample", data["sample"], {"name", "description"}, ("name",))
        if not isinstance(data["sample"]["name"], str):
            fail(f"{where}: sample.name must be a string")
    common = data.get("common", {})
    twister_entry(f"{where} common", common)
    tests = data["tests"]
    if not isinstance(tests, dict) or not tests:
        fail(f"{where}: tests must name at least one test")
    for name, entry in tests.items():
        if not re.fullmatch(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+", str(name)):
            fail(f"{where}: test name {name!r} must be dotted (area.subarea.name)")
        if kind == "sample" and not str(name).startswith("sample."):
            fail(f"{where}: a sample's test names start with sample. ({name})")
        twister_entry(f"{where} {name}", entry or {})
        merged = dict(common, **(entry or {}))
        allow = set(as_list(merged.get("platform_allow")))
        integ = set(as_list(merged.get("integration_platforms")))
        if allow and integ - allow:
            fail(f"{where} {name}: integration_platforms {sorted(integ - allow)} not allowed")
        if kind == "test" and merged.get("harness") == "ztest":
            srcs = " ".join(open(os.path.join(d, f)).read()
                            for d, _, fs in os.walk(os.path.join(os.path.dirname(path), "src"))
                            for f in fs if f.endswith(".c"))
            if "ZTEST_SUITE(" not in srcs or "ZTEST(" not in srcs:
                fail(f"{where}: harness ztest, but src/ has no ZTEST_SUITE and ZTEST cases")
    return data


def check_zephyr_app(root, app, known):
    where = rel(root, app)
    cmake = open(os.path.join(app, "CMakeLists.txt")).read()
    if "find_package(Zephyr" not in cmake:
        fail(f"{where}: CMakeLists.txt is not a Zephyr application")
    for src in re.findall(r"target_sources\(app PRIVATE ([^)]*)\)", cmake):
        for s in src.split():
            if not os.path.isfile(os.path.join(app, s)):
                fail(f"{where}: CMakeLists.txt names {s}, which does not exist")
    values = conf_assignments(os.path.join(app, "prj.conf"))
    check_ambc_symbols(f"{where}/prj.conf", values, known)
    if values.get("AMBC") != "y":
        fail(f"{where}/prj.conf: CONFIG_AMBC=y is missing")
    stale = sorted(f"CONFIG_{n}" for n in values if ZEPHYR_NOT_IN_RANGE.fullmatch(n))
    if stale:
        fail(f"{where}/prj.conf: {stale} are not symbols of Zephyr 4.0 to 4.3")
    return values


def check_tls_conf(where, values):
    off = [f"CONFIG_{n}" for n in ZEPHYR_TLS_ON if values.get(n) != "y"]
    if off:
        fail(f"{where}: a handshake with the real API needs {off} =y")
    content = int(values.get("MBEDTLS_SSL_MAX_CONTENT_LEN", "0"))
    if content != 16384:
        fail(f"{where}: CONFIG_MBEDTLS_SSL_MAX_CONTENT_LEN must be 16384 (it sizes both record "
             f"buffers, and the API's server may send 16 KB records), not {content}")
    heap = int(values.get("MBEDTLS_HEAP_SIZE", "0"))
    need = 2 * (content + RECORD_OVERHEAD) + HANDSHAKE_WORKING
    if heap < need:
        fail(f"{where}: CONFIG_MBEDTLS_HEAP_SIZE {heap} < {need} (two record buffers and the "
             f"handshake)")
    return heap


def yaml_files(root, top, name):
    return sorted(os.path.join(d, name) for d, _, fs in os.walk(os.path.join(root, top))
                  if name in fs)


def check_zephyr(root, known):
    module = load_yaml(os.path.join(root, "zephyr", "module.yml"))
    where = "zephyr/module.yml"
    expect_keys(where, module, MODULE_KEYS, ("name", "build", "samples", "tests"))
    if module["name"] != "ambc":
        fail(f"{where}: the module must be named ambc (its include prefix)")
    build = module["build"]
    if not isinstance(build, dict):
        fail(f"{where}: build must be a mapping")
    expect_keys(f"{where} build", build, MODULE_BUILD_KEYS, ("cmake", "kconfig"))
    if not os.path.isfile(os.path.join(root, str(build["cmake"]), "CMakeLists.txt")):
        fail(f"{where}: build.cmake {build['cmake']!r} holds no CMakeLists.txt")
    if not os.path.isfile(os.path.join(root, str(build["kconfig"]))):
        fail(f"{where}: build.kconfig {build['kconfig']!r} is not a file")
    found = {}
    for key, name in (("samples", "sample.yaml"), ("tests", "testcase.yaml"), ("boards", None)):
        dirs = module.get(key, [])
        if not isinstance(dirs, list) or not all(isinstance(d, str) for d in dirs):
            fail(f"{where}: {key} must be a list of directories")
        for d in dirs:
            if not os.path.isdir(os.path.join(root, d)):
                fail(f"{where}: {key} names {d}, which is not a directory")
            if key == "boards" and not os.path.isdir(os.path.join(root, d, "boards")):
                fail(f"{where}: boards {d} is not a board root (no boards/ in it)")
            if name:
                files = yaml_files(root, d, name)
                if not files:
                    fail(f"{where}: {key} {d} holds no {name}")
                found.setdefault(key, []).extend(files)
    # Every twister file of the kit is reachable from the module, and of the right kind.
    for name, key in (("sample.yaml", "samples"), ("testcase.yaml", "tests")):
        for f in yaml_files(root, "boards/zephyr", name):
            if f not in found.get(key, []):
                fail(f"{rel(root, f)} is not under a {key} directory of {where}")
    for path in found["samples"]:
        check_twister_file(root, path, "sample")
        values = check_zephyr_app(root, os.path.dirname(path), known)
        heap = check_tls_conf(rel(root, path).replace("sample.yaml", "prj.conf"), values)
    for path in found["tests"]:
        check_twister_file(root, path, "test")
        values = check_zephyr_app(root, os.path.dirname(path), known)
        if values.get("ZTEST") != "y":
            fail(f"{rel(root, path)}: the test's prj.conf needs CONFIG_ZTEST=y")
    print(f"Zephyr: module.yml ({len(found['samples'])} sample, {len(found['tests'])} test), "
          f"twister files match the schema, sample prj.conf has the TLS set, heap {heap}")


# ---- Pico W ----------------------------------------------------------------------------------

def without_comments(c_text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", c_text, flags=re.S)


def check_pico(root):
    cmake = open(os.path.join(root, "boards", "pico-w", "CMakeLists.txt")).read()
    main_c = without_comments(open(os.path.join(root, "boards", "pico-w", "main.c")).read())
    m = re.search(r'set\(WIFI_COUNTRY "([A-Z][A-Z])" CACHE STRING', cmake)
    if m is None or 'WIFI_COUNTRY=\\"${WIFI_COUNTRY}\\"' not in cmake:
        fail("boards/pico-w/CMakeLists.txt: WIFI_COUNTRY must be a cache string with a "
             "default, passed to main.c")
    d = re.search(r'#define WIFI_COUNTRY "([A-Z][A-Z])"', main_c)
    if d is None or d.group(1) != m.group(1):
        fail("boards/pico-w/main.c: WIFI_COUNTRY's default must match CMakeLists.txt's")
    if "cyw43_arch_init_with_country(" not in main_c or re.search(r"cyw43_arch_init\(\)",
                                                                   main_c):
        fail("boards/pico-w/main.c: initialise with cyw43_arch_init_with_country")
    poll = re.search(r"static void net_poll\(void \*ctx\)\n\{(.*?)\n\}", main_c, re.S)
    if poll is None or "cyw43_arch_wait_for_work_until(" not in poll.group(1):
        fail("boards/pico-w/main.c: net_poll must sleep in cyw43_arch_wait_for_work_until")
    readme = open(os.path.join(root, "boards", "pico-w", "README.md")).read()
    if f'"{m.group(1)}"' not in readme and f"`{m.group(1)}`" not in readme:
        fail("boards/pico-w/README.md must state WIFI_COUNTRY's default")
    print(f"Pico W: WIFI_COUNTRY settable (default {m.group(1)}), net_poll sleeps until work")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    root = os.path.abspath(sys.argv[1])
    known = root_kconfig_symbols(root)
    check_esp_idf(root, known)
    check_zephyr(root, known)
    check_pico(root)
    for p in PENDING:
        print("PENDING:", p)
    print("OK (parsed as the platforms read them; not built: no ESP-IDF, Zephyr or pico-sdk)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
