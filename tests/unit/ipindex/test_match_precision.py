"""Copies need evidence beyond shape where shape alone is chance (issue #15, classes 2 and 3):
a short run that agrees only in its shape is no copy, and registration code that the open
tree itself repeats with other names is boilerplate, not a copy of the one proprietary plugin
that has it too."""

from __future__ import annotations

from pathlib import Path

from openesx_license.ipindex.build import write_index
from openesx_license.ipindex.fileprint import FilePrint, print_text
from openesx_license.ipindex.match import CopySettings, find_copies
from openesx_license.ipindex.store import FingerprintIndex, IndexParameters

PARAMS = IndexParameters(k=25, window=8)

#: the registration block every plugin of a tree has, with its own names
REGISTRATION = """
static struct plugin_ops {n}_ops = {{
    .name = "{n}",
    .init = {n}_init,
    .exit = {n}_exit,
    .handle = {n}_handle,
    .version = PLUGIN_VERSION,
    .flags = PLUGIN_DEFAULT | PLUGIN_SHARED,
}};

int {n}_register(struct registry *reg)
{{
    if (!reg)
        return -EINVAL;
    reg->count++;
    reg->last = &{n}_ops;
    return registry_add(reg, &{n}_ops, sizeof({n}_ops));
}}
"""

#: a switch/free pattern: the same shape in any C program that releases a tagged union
RELEASE = """
static void {a}_release(struct {a}_ctx *c)
{{
    switch (c->{b}) {{
    case {A}_ONE:
        free(c->{c});
        break;
    case {A}_TWO:
        free(c->{d});
        c->{d} = NULL;
        break;
    }}
    free(c);
}}
"""


def _index(tmp_path: Path) -> FingerprintIndex:
    secret = tmp_path / "secret"
    secret.mkdir()
    code = REGISTRATION.format(n="vaultsync") + RELEASE.format(
        a="vault", A="VAULT", b="mode", c="keys", d="blob"
    )
    (secret / "plugin.c").write_text(code)
    index, _ = write_index(tmp_path, ["secret/plugin.c"], lambda p: "secret", PARAMS, None)
    return index


def _print(path: str, text: str) -> FilePrint:
    return print_text(path, text, PARAMS.k, PARAMS.window, full=True)


def test_a_short_run_of_the_same_shape_without_names_or_values_is_no_copy(
    tmp_path: Path,
) -> None:
    index = _index(tmp_path)
    shape = _print(
        "open/disk.c", RELEASE.format(a="disk", A="DISK", b="kind", c="sectors", d="map")
    )
    assert find_copies(index, [shape], CopySettings()) == []
    # the run is there, of 25-60 tokens: a policy trusting shape from 40 tokens sees it
    (run,) = find_copies(index, [shape], CopySettings(min_tokens=40))
    assert 25 <= run.tokens < 60 and not (run.value_matches or run.name_matches)
    # the same short function copied with its names is a copy at the default size
    (copy,) = find_copies(
        index,
        [_print("open/kept.c", RELEASE.format(a="vault", A="VAULT", b="mode", c="keys", d="blob"))],
        CopySettings(),
    )
    assert copy.name_matches and copy.tokens < 60


def test_registration_code_the_open_tree_repeats_with_other_names_is_boilerplate(
    tmp_path: Path,
) -> None:
    index = _index(tmp_path)
    plugins = [_print(f"open/{n}.c", REGISTRATION.format(n=n)) for n in ("alpha", "bravo")]
    assert find_copies(index, plugins, CopySettings()) == []
    # without the open tree's repetition, each plugin's block matches the proprietary one
    # by shape (and by the framework's names, PLUGIN_VERSION, registry_add: all share them)
    alone = find_copies(index, plugins, CopySettings(template_threshold=3))
    assert {m.path for m in alone} == {"open/alpha.c", "open/bravo.c"}
    assert all(m.tokens >= 60 for m in alone)


def test_a_verbatim_copy_of_repeated_code_keeps_its_evidence(tmp_path: Path) -> None:
    # the proprietary plugin's own names make the copy specific: the other plugins do not
    # repeat them, so the repeated shape does not hide it
    index = _index(tmp_path)
    prints = [_print(f"open/{n}.c", REGISTRATION.format(n=n)) for n in ("alpha", "bravo")]
    prints.append(_print("open/copy.c", REGISTRATION.format(n="vaultsync")))
    (copy,) = find_copies(index, prints, CopySettings())
    assert copy.path == "open/copy.c" and copy.name_matches


#: a decoder client: its callback's prototype is what the library's typedef dictates, so every
#: client of the API writes the same line with the same names
CALLBACK = """
typedef struct {{
    {fields}
}} {typ};

static FLAC__StreamDecoderWriteStatus write_callback_(const FLAC__StreamDecoder *decoder, \
const FLAC__Frame *frame, const FLAC__int32 * const buffer[], void *client_data)
{{
    {typ} *d = ({typ} *)client_data;
    {body}
}}
"""


def test_names_the_open_tree_repeats_with_a_shape_are_its_vocabulary(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    fields = "FLAC__bool error_occurred;\n    FLAC__StreamDecoderErrorStatus error_status;"
    (secret / "tool.c").write_text(
        CALLBACK.format(fields=fields, typ="ClientData", body="return vault_write(d, frame);")
    )
    index, _ = write_index(tmp_path, ["secret/tool.c"], lambda p: "secret", PARAMS, None)
    clients = [
        _print(f"open/c{i}.c", CALLBACK.format(fields=f, typ=t, body=b))
        for i, (f, t, b) in enumerate(
            [
                ("uint32_t sample_rate;\n    FLAC__bool error;", "DecoderInstance",
                 "return decode_frame(d, frame, buffer);"),
                ("unsigned count;", "Counter", "d->count += frame->header.blocksize; return 0;"),
            ]
        )
    ]  # fmt: skip
    assert find_copies(index, clients, CopySettings()) == []
    # alone, a client agrees with the proprietary tool on the API's names: a "copy"
    (alone,) = find_copies(index, clients[:1], CopySettings())
    assert alone.name_matches and alone.tokens < 60
