"""Names the open tree's headers declare are its interface, not evidence of a copy (issue #15,
FLAC): a proprietary tool and an open file that loop over the same open structure, or
implement the same open callback, in the same short shape agree only on how the open API is
spelled. A short copy that keeps its own names is still found."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from openesx_license.config.components import ComponentMap, apply_components
from openesx_license.config.loader import load_policy
from openesx_license.copies.stage import CopyAnalysis, analyse_copies
from openesx_license.csource.lexer import tokenize
from openesx_license.ipindex.vocabulary import interface_names, tree_vocabulary
from tests.helpers.c_records import c_records

POLICY = """
schema = 1
[release]
name = "codec"
license = "BSD-3-Clause"

[[component]]
name = "lib"
class = "open"
license = "BSD-3-Clause"
paths = ["include/**", "lib/**"]

[[component]]
name = "tool"
class = "proprietary"
paths = ["tool/**"]
"""

#: the open library's public header: a structure, an enumeration, a callback type, functions
HEADER = """
#ifndef CODEC_FORMAT_H
#define CODEC_FORMAT_H
#define CODEC_MAX_INDICES 100

typedef struct {
    unsigned long long sample_offset;
    unsigned char index_number;
} Codec_CueSheet_Index;

typedef struct {
    unsigned char track_number;
    unsigned char num_indices;
    Codec_CueSheet_Index *indices;
} Codec_CueSheet_Track;

typedef enum { CODEC_WRITE_CONTINUE, CODEC_WRITE_ABORT } Codec_WriteStatus;

typedef Codec_WriteStatus (*Codec_WriteCallback)(const Codec_Decoder *decoder,
    const Codec_Frame *frame, const int * const buffer[], void *client_data);

int codec_writer_put_uint64(Codec_Writer *writer, unsigned long long value, unsigned bits);
int codec_cuesheet_parse(FILE *file, const char **error_message, unsigned *last_line_read);
#endif
"""

#: two lines every user of the library writes alike (the loop over a track's indices)
LOOP = """
    for(j = 0; j < track->num_indices; j++) {{
        const Codec_CueSheet_Index *indx = track->indices + j;
        {body}
    }}
"""

#: the callback's prototype, written out from the typedef
CALLBACK = """
static Codec_WriteStatus write_callback_(const Codec_Decoder *decoder, const Codec_Frame *frame, \
const int * const buffer[], void *client_data)
{{
    {body}
}}
"""

#: a short stretch with the caller's own locals around a call of the API
OWN = """
    if(0 == (handle = open_cuesheet_file(cuesheet_filename))) {{
        report_failure(progname, cuesheet_filename);
        return false;
    }}
    parsed_cuesheet = codec_cuesheet_parse(handle, &error_message, &last_line_read);
    {body}
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


def _analyse(root: Path, cache: Path | None = None) -> CopyAnalysis:
    (root / "policy.toml").write_text(POLICY)
    policy = load_policy(root / "policy.toml")
    records = c_records(root, lambda p: p.suffix in (".c", ".h"))
    components = ComponentMap(policy)
    files = apply_components(records, components)
    return analyse_copies(root, policy, files, components, jobs=1, cache_dir=cache)


def _function(name: str, inner: str) -> str:
    return f"""
#include "format.h"
static int {name}(const Codec_CueSheet_Track *track, Codec_Writer *writer)
{{
    unsigned j;
{inner}
    return 1;
}}
"""


#: the library's C++ binding implements the callback under the name its clients use too
BINDING = """
namespace Codec {
class Stream {
protected:
    static Codec_WriteStatus write_callback_(const Codec_Decoder *decoder,
        const Codec_Frame *frame, const int * const buffer[], void *client_data);
};
}
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    _write(
        root,
        {
            "include/format.h": HEADER,
            "include/codecpp/stream.h": BINDING,
            # the proprietary tool prints the indices, the open library writes them
            "tool/show.c": _function(
                "show_track",
                LOOP.format(body='printf("index %u at %llu", indx->index_number, '
                                 "indx->sample_offset);"),
            ),
            "lib/framing.c": _function(
                "write_track",
                LOOP.format(body="if(!codec_writer_put_uint64(writer, indx->sample_offset, "
                                 "64)) return 0;"),
            ),
            # both implement the decoder callback
            "tool/play.c": '#include "format.h"\ntypedef struct { int volume; } ToolState;\n'
            + CALLBACK.format(body="ToolState *state = (ToolState *)client_data; "
                                   "return tool_show(state, frame);"),
            "lib/client.c": '#include "format.h"\ntypedef struct { long total; } Instance;\n'
            + CALLBACK.format(body="Instance *instance = (Instance *)client_data; "
                                   "return decode_one(instance, buffer);"),
        },
    )  # fmt: skip
    return root


def test_the_interface_of_an_open_header(tree: Path) -> None:
    names = interface_names(tokenize((tree / "include/format.h").read_text()))
    # types, fields, enumeration constants, macros, functions, a callback's parameters
    assert {"Codec_CueSheet_Index", "num_indices", "indices", "sample_offset"} <= names
    assert {"CODEC_WRITE_ABORT", "CODEC_MAX_INDICES", "codec_cuesheet_parse"} <= names
    assert {"decoder", "frame", "buffer", "client_data", "Codec_WriteCallback"} <= names
    binding = interface_names(tokenize((tree / "include/codecpp/stream.h").read_text()))
    assert "write_callback_" in binding
    # an ordinary prototype's parameter names are its callers' business
    assert not {"error_message", "last_line_read", "writer", "value", "bits"} & names


def test_agreeing_only_on_the_open_interface_is_no_copy(tree: Path, tmp_path: Path) -> None:
    assert _analyse(tree).matches == ()
    assert _analyse(tree, tmp_path / "cache").matches == ()  # the cached path too


def test_a_short_copy_with_its_own_names_is_still_found(tree: Path) -> None:
    _write(
        tree,
        {
            "tool/import.c": "int import_cuesheet(void)\n{\n"
            + OWN.format(body="finish_import(parsed_cuesheet);")
            + "    return true;\n}\n",
            "lib/encode.c": "int load_cuesheet(void)\n{\n"
            + OWN.format(body="return parsed_cuesheet != 0;")
            + "}\n",
        },
    )
    (match,) = _analyse(tree).matches
    assert _analyse(tree, tree.parent / "cache").matches == (match,)
    assert (match.path, match.proprietary_path) == ("lib/encode.c", "tool/import.c")
    assert match.name_matches and match.tokens < 60 and not match.value_matches


def test_header_names_are_kept_by_content_between_audits(tree: Path, tmp_path: Path) -> None:
    header = "include/format.h"
    sha1 = hashlib.sha1((tree / header).read_bytes()).hexdigest()  # noqa: S324 - content key
    cache = tmp_path / "cache"
    first = tree_vocabulary(tree, [(header, sha1), ("lib/framing.c", "0" * 40)], cache)
    assert "num_indices" in first and "track" not in first  # compound names only
    assert "codec_writer_put_uint64" in first and "write_track" not in first  # headers only
    (tree / header).unlink()  # the same content is not read again
    assert tree_vocabulary(tree, [(header, sha1)], cache) == first
    assert not tree_vocabulary(tree, [(header, sha1)])  # no cache, no file


#: a header of the proprietary tool's own: a structure of its own, and a function on it
QUEUE = """
#ifndef {guard}
#define {guard}
struct pending_request {{
    struct pending_request *next_request;
    unsigned long request_cookie;
    unsigned int request_flags;
    struct pending_request *prev_request;
}};
int request_submit(struct pending_request *);
{extra}
#endif
"""


def test_a_copied_header_keeps_the_names_it_declares(tree: Path) -> None:
    """A header copied from the proprietary side declares the names it holds: they are its
    content, not an open interface it uses (on Xen against QEMU, Linux's list.h, kconfig's
    lkc.h and 44 more regions of shared code were lost to this). The same names in a file of
    another folder are still the interface its headers declare."""
    _write(
        tree,
        {
            "tool/queue.h": QUEUE.format(guard="TOOL_QUEUE_H", extra="int tool_flush(void);"),
            "lib/queue.h": QUEUE.format(guard="LIB_QUEUE_H", extra="int lib_drain(int n);"),
        },
    )
    vocabulary = tree_vocabulary(tree, [("lib/queue.h", ""), ("include/format.h", "")])
    assert "next_request" in vocabulary and "num_indices" in vocabulary
    assert "next_request" in vocabulary.exempt("lib/other.c")  # declared only in lib/
    assert "next_request" not in vocabulary.exempt("src/user.c")
    assert "num_indices" not in vocabulary.exempt("lib/framing.c")  # include/'s interface
    (match,) = _analyse(tree).matches
    assert (match.path, match.proprietary_path) == ("lib/queue.h", "tool/queue.h")
    assert match.name_matches and match.tokens < 60 and not match.value_matches
    assert _analyse(tree, tree.parent / "cache").matches == (match,)


def test_headers_read_in_worker_processes_give_the_same_vocabulary(tmp_path: Path) -> None:
    entries = []
    for n in range(300):  # enough headers for the pool
        header = f"mod{n % 7}/api{n}.h"
        (tmp_path / header).parent.mkdir(exist_ok=True)
        (tmp_path / header).write_text(
            f"int codec_frame_count_{n}(struct stream_state_{n % 11} *stream_state);\n"
        )
        entries.append((header, ""))
    entries.append(("mod0/missing.h", ""))  # unreadable: adds nothing
    alone = tree_vocabulary(tmp_path, entries)
    assert "codec_frame_count_299" in alone and "stream_state_3" in alone
    assert tree_vocabulary(tmp_path, entries, jobs=2) == alone
