"""release_options on small hand-made file sets."""

from __future__ import annotations

import dataclasses

from openesx_license.config.components import ComponentMap, apply_components
from openesx_license.config.loader import parse_policy
from openesx_license.config.model import Release
from openesx_license.licensing import LicenseKnowledge, release_options
from openesx_license.model import FileKind, FileRecord, MarkerHit

POLICY = """
[release]
name = "t"
license = "GPL-2.0-only"
candidates = ["GPL-2.0-only", "GPL-3.0-only", "BSD-3-Clause", "Apache-2.0"]

[[component]]
name = "kernel"
class = "open"
license = "GPL-2.0-or-later"
paths = ["kernel/**"]

[[component]]
name = "nic"
class = "open"
paths = ["drivers/nic/**"]

[[component]]
name = "zlib"
class = "third-party"
paths = ["zlib/**"]

[[component]]
name = "vmotion"
class = "proprietary"
paths = ["vmotion/**"]
"""


def _files(licences: dict[str, str | None], markers: dict[str, MarkerHit] | None = None):
    policy = parse_policy(POLICY, source="p.toml")
    records = [
        FileRecord(
            path=path,
            size=1,
            sha1="0" * 40,
            kind=FileKind.SOURCE,
            license_expression=lic,
            license_source="detected" if lic else "none",
            markers=((markers or {})[path],) if path in (markers or {}) else (),
        )
        for path, lic in licences.items()
    ]
    return policy, apply_components(records, ComponentMap(policy))


def _by_license(options):
    return {o.license: o for o in options}


def test_apache_driver_blocks_gpl2_but_not_gpl3() -> None:
    policy, files = _files(
        {
            "kernel/a.c": None,  # takes the declared GPL-2.0-or-later
            "kernel/b.c": "GPL-2.0-or-later",
            "drivers/nic/nic.c": "Apache-2.0",
            "drivers/nic/nic.h": "Apache-2.0",
            "zlib/inflate.c": "GPL-3.0-only",  # third-party: not judged here
        }
    )
    rows = _by_license(release_options(files, policy, LicenseKnowledge.load()))
    assert list(rows) == ["GPL-2.0-only", "GPL-3.0-only", "BSD-3-Clause", "Apache-2.0"]
    gpl2 = rows["GPL-2.0-only"]
    assert not gpl2.allowed and gpl2.blocking_files == 2 and gpl2.proprietary_files == 0
    assert gpl2.blocking_components == ("nic",)
    assert gpl2.blockers[0].path == "drivers/nic/nic.c"
    assert "2 files like this" in gpl2.blockers[0].reason
    assert "patent" in gpl2.blockers[0].reason
    assert rows["GPL-3.0-only"].allowed and rows["GPL-3.0-only"].blocking_files == 0
    # GPL code cannot become BSD or Apache
    assert rows["BSD-3-Clause"].blocking_components == ("kernel",)
    assert rows["Apache-2.0"].blocking_files == 2


def test_proprietary_code_blocks_every_candidate() -> None:
    hit = MarkerHit(marker="VMware Confidential", line=3, text="/* VMware Confidential */")
    policy, files = _files(
        {
            "kernel/a.c": "MIT",
            "kernel/secret.c": "MIT",
            "vmotion/engine.c": "LicenseRef-VMware-Proprietary",
        },
        markers={"kernel/secret.c": hit},
    )
    rows = release_options(files, policy, LicenseKnowledge.load())
    for row in rows:
        assert not row.allowed
        assert row.blocking_files == 2 and row.proprietary_files == 2
        assert set(row.blocking_components) == {"kernel", "vmotion"}
        assert all("remove it before release" in b.reason for b in row.blockers)


def test_unknown_and_missing_licenses_are_counted_not_blocking() -> None:
    policy, files = _files(
        {"drivers/nic/a.c": None, "drivers/nic/b.c": "LicenseRef-mystery", "kernel/c.c": "MIT"}
    )
    for row in release_options(files, policy, LicenseKnowledge.load()):
        assert row.allowed
        assert row.undetermined_files == 2


def test_release_license_is_evaluated_even_if_not_a_candidate() -> None:
    policy, files = _files({"kernel/c.c": "MIT"})
    policy = dataclasses.replace(
        policy, release=Release(name="t", license="LGPL-2.1-only", candidates=("MIT",))
    )
    rows = release_options(files, policy, LicenseKnowledge.load())
    assert [r.license for r in rows] == ["LGPL-2.1-only", "MIT"]


def test_docs_are_not_judged_and_license_blockers_survive_many_proprietary_groups() -> None:
    licences: dict[str, str | None] = {f"vmotion/m{i}/x.c": f"LicenseRef-V{i}" for i in range(12)}
    licences["drivers/nic/nic.c"] = "Apache-2.0"
    licences["kernel/README"] = "Apache-2.0 AND CDDL-1.0"  # licence mentions in prose
    policy, files = _files(licences)
    files["kernel/README"] = dataclasses.replace(files["kernel/README"], kind=FileKind.DOC)
    gpl2 = release_options(files, policy, LicenseKnowledge.load(), top=3)[0]
    assert gpl2.blocking_files == 13 and gpl2.proprietary_files == 12
    assert [b.path for b in gpl2.blockers][-1] == "drivers/nic/nic.c"
    assert len(gpl2.blockers) == 4


def test_each_row_holds_its_candidate_x_component_cells() -> None:
    hit = MarkerHit(marker="VMware Confidential", line=3, text="/* VMware Confidential */")
    policy, files = _files(
        {
            "kernel/a.c": "GPL-2.0-or-later",
            "kernel/secret.c": "GPL-2.0-or-later",
            "drivers/nic/nic.c": "Apache-2.0",
            "drivers/nic/nic.h": "Apache-2.0",
            "vmotion/engine.c": "LicenseRef-VMware-Proprietary",
        },
        markers={"kernel/secret.c": hit},
    )
    rows = _by_license(release_options(files, policy, LicenseKnowledge.load()))
    gpl2 = {c.component: c for c in rows["GPL-2.0-only"].components}
    assert set(gpl2) == {"kernel", "nic", "vmotion"}
    assert (gpl2["vmotion"].proprietary_files, gpl2["vmotion"].license_files) == (1, 0)
    assert (gpl2["kernel"].proprietary_files, gpl2["kernel"].license_files) == (1, 0)
    nic = gpl2["nic"]
    assert (nic.license_files, nic.licenses, nic.example) == (
        2,
        ("Apache-2.0",),
        "drivers/nic/nic.c",
    )
    assert not rows["GPL-2.0-only"].allowed_once_removed  # the Apache driver still blocks it
    assert rows["GPL-3.0-only"].allowed_once_removed  # only the proprietary code blocks it
    bsd = {c.component: c for c in rows["BSD-3-Clause"].components}
    assert (bsd["kernel"].proprietary_files, bsd["kernel"].license_files) == (1, 1)
