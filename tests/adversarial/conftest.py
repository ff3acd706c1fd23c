"""A small tree and policy for the adversarial audits: SPDX tags only (no licence prose, so
ScanCode's index is never loaded and an audit takes a second or two), one proprietary marker,
a proprietary component, includes and calls across files, so that every stage (inventory,
detection, copied code, graph, checks) has work and a cache to write."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

FILES = {
    "core/a.c": '// SPDX-License-Identifier: GPL-2.0-only\n#include "a.h"\n'
    "int helper(int v) { return v + 1; }\nint a(void) { return helper(1); }\n",
    "core/a.h": "// SPDX-License-Identifier: GPL-2.0-only\nint a(void);\nint helper(int v);\n",
    "core/b.c": '// SPDX-License-Identifier: GPL-2.0-only\n#include "a.h"\n'
    "int b(void) { return a() + helper(2); }\n",
    "core/secret.c": "// SPDX-License-Identifier: GPL-2.0-only\n"
    "/* Vault Internal: do not ship */\nint secret(void) { return 42; }\n",
    "tools/t.py": "# SPDX-License-Identifier: GPL-2.0-only\nimport os\n",
    "Makefile": "# SPDX-License-Identifier: GPL-2.0-only\nobj-y += core/a.o core/b.o\n",
    "vault/v.c": "// SPDX-License-Identifier: LicenseRef-Vault-Proprietary\n"
    "int vault(int key) { return key * 7 + 3; }\n",
}

POLICY = """schema = 1
[release]
name = "small"
license = "GPL-2.0-only"
[[component]]
name = "open"
class = "open"
paths = ["**"]
[[component]]
name = "vault"
class = "proprietary"
license = "LicenseRef-Vault-Proprietary"
paths = ["vault/**"]
[[rule]]
name = "open-must-not-reach-vault"
type = "forbidden"
from = { class = "open" }
to = { class = "proprietary" }
[markers]
proprietary = ["Vault Internal"]
"""

#: what the default policy must report on FILES (rule, path, target)
EXPECTED = {("proprietary-code", "core/secret.c", "Vault Internal")}
#: the marker of :data:`POLICY` ("confidential" would start a licence block: ScanCode loads)
MARKER = "Vault Internal"


def make_tree(root: Path, files: dict[str, str | bytes] | None = None) -> Path:
    """Write ``files`` (default :data:`FILES`) below ``root``, an hour old (a file written in
    the last seconds is not remembered by the stat cache), and ``policy.toml`` beside it."""
    old = time.time() - 3600
    for rel, content in (FILES if files is None else files).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        os.utime(path, (old, old))
    (root.parent / "policy.toml").write_text(POLICY, encoding="utf-8")
    return root


@pytest.fixture()
def small_tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "tree")
