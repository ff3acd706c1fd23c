"""A seeded, generated C tree of any size with open, third-party and proprietary parts.

Files carry licence notices (SPDX tags, GPL and BSD notices whose organisation varies, so
that there are many distinct licence blocks), copyright lines with varied holders and
years, includes between components (some open files include proprietary headers: boundary
crossings) and a few proprietary markers in open code; its policy is written beside it.
"""

from __future__ import annotations

import random
from pathlib import Path

POLICY = """\
schema = 1

[release]
name = "Generated"
license = "GPL-2.0-only"

[[component]]
name = "core"
class = "open"
license = "GPL-2.0-only"
paths = ["core/**", "include/core/**"]

[[component]]
name = "third"
class = "third-party"
paths = ["third/**"]

[[component]]
name = "secret"
class = "proprietary"
paths = ["secret/**"]

[[rule]]
name = "open-must-not-reach-proprietary"
type = "forbidden"
from = { class = "open" }
to = { class = "proprietary" }
edges = ["include", "link", "symbol", "import", "copy"]
transitive = true
severity = "error"

[graph]
include_dirs = ["include", "."]
"""

GPL = """/*
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License version 2 as published by
 * the Free Software Foundation.
 *
 * This program is distributed in the hope that it will be useful, but WITHOUT
 * ANY WARRANTY; without even the implied warranty of MERCHANTABILITY or FITNESS
 * FOR A PARTICULAR PURPOSE. See the GNU General Public License for more details
 * ({org} maintains this file).
 */
"""

BSD = """/*
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 * 1. Redistributions of source code must retain the above copyright notice,
 *    this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the documentation
 *    and/or other materials provided with the distribution.
 * 3. Neither the name of {org} nor the names of its contributors may be used
 *    to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
 * AND ANY EXPRESS OR IMPLIED WARRANTIES ARE DISCLAIMED.
 */
"""

ORGS = [f"{a} {b}" for a in ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay")
        for b in ("Labs", "Systems", "Networks", "Research", "Devices")]  # fmt: skip


def generate_tree(root: Path, files: int = 2000, seed: int = 20) -> Path:
    """Write ``files`` source files under ``root`` (plus ``policy.toml`` beside it); return
    the policy's path."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    secret_headers = [f"secret/include/engine{i}.h" for i in range(5)]
    core_headers = [f"include/core/api{i}.h" for i in range(20)]
    for path in secret_headers:
        _write(root / path, "/* VMware Confidential */\nint secret_engine(void);\n")
    for i, path in enumerate(core_headers):
        _write(root / path, f"/* SPDX-License-Identifier: GPL-2.0-only */\nint api{i}(void);\n")
    for i in range(files - len(secret_headers) - len(core_headers)):
        part = rng.choices(("core", "third", "secret"), weights=(70, 20, 10))[0]
        org = rng.choice(ORGS)
        holder = f"Copyright (c) {rng.randint(1995, 2024)} {rng.choice(ORGS)} <dev{i % 97}@x.org>"
        notice = {
            "core": rng.choice(("spdx", "gpl", "gpl")),
            "third": "bsd",
            "secret": "none",
        }[part]
        if notice == "spdx":
            head = f"// SPDX-License-Identifier: GPL-2.0-only\n/* {holder} */\n"
        elif notice == "gpl":
            head = f"/* {holder} */\n" + GPL.format(org=org)
        elif notice == "bsd":
            head = f"/* {holder} */\n" + BSD.format(org=org)
        else:
            head = f"/* {holder}. All rights reserved. VMware Confidential */\n"
        includes = [rng.choice(core_headers).removeprefix("include/")]
        if part == "core" and rng.random() < 0.01:
            includes.append(rng.choice(secret_headers))
        body = "".join(f'#include "{inc}"\n' for inc in includes)
        body += f"\nint {part}_f{i}(int x)\n{{\n    return x * {rng.randint(2, 99)};\n}}\n"
        _write(root / part / f"d{i % 40}" / f"f{i}.c", head + body)
    policy = root.parent / f"{root.name}-policy.toml"
    policy.write_text(POLICY, encoding="utf-8")
    return policy


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
