"""One glob grammar: what validates is what matches, in exclude lists as in component paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from openesx_license._util.globs import excluded
from openesx_license.config.loader import parse_policy
from openesx_license.inventory import list_files


@pytest.mark.parametrize(
    ("path", "patterns", "expected"),
    [
        ("vendor/lib/a.c", ["vendor"], True),
        ("src/vendor/a.c", ["**/vendor"], True),
        ("src/vendor/a.c", ["vendor"], False),  # anchored at the root, as component paths are
        ("src/vendors/a.c", ["**/vendor"], False),
        ("web/app.min.js", ["**/*.min.js"], True),
        ("web/app.min.js", ["*.min.js"], False),
        ("app.min.js", ["*.min.js"], True),
        ("tools/firmware/rombios/a.c", ["tools/firmware/**"], True),
        ("tools/firmware/rombios/a.c", ["tools/firmware/"], True),
        ("xen/tools/firmware/a.c", ["tools/firmware/**"], False),
        ("a/b/c/d.h", ["a/**/d.h"], True),
        ("a/d.h", ["a/**/d.h"], True),
        ("a/x.h", ["a/*.c"], False),
        ("gen1.c", ["gen[0-9].c"], True),
        ("genx.c", ["gen[0-9].c"], False),
        ("gen1.c", ["gen[!0-9].c"], False),
        ("a.c", [], False),
    ],
)
def test_exclusion_uses_the_policy_grammar(path: str, patterns: list[str], expected: bool) -> None:
    assert excluded(path, patterns) is expected


def test_policy_exclude_with_a_character_class_leaves_files_out(tmp_path: Path) -> None:
    """Regression: exclude = ["gen[0-9].c"] validated (policy grammar) but matched nothing
    (the walk had its own grammar without character classes)."""
    policy = parse_policy(
        'exclude = ["gen[0-9].c", "out/"]\n[release]\nname = "x"\nlicense = "MIT"\n',
        source="p.toml",
    )
    for name in ("gen1.c", "gen2.c", "genx.c", "out/a.c", "src/gen1.c"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("int x;\n")
    listed = {e.path for e in list_files(tmp_path, exclude=policy.exclude)}
    assert listed == {"genx.c", "src/gen1.c"}


def test_excluding_star_o_is_anchored_like_a_component_path(tmp_path: Path) -> None:
    for name in ("top.o", "sub/deep.o", "sub/deep.c"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    assert {e.path for e in list_files(tmp_path, exclude=["*.c"])} >= {"sub/deep.c"}
    assert "sub/deep.c" not in {e.path for e in list_files(tmp_path, exclude=["**/*.c"])}
