"""Link edges from Cargo manifests and import edges from Rust ``use`` (tests/assets/buildgraph/
cargo and small trees)."""

from __future__ import annotations

from openesx_license.graph.cargo import parse_cargo, parse_rust_uses
from openesx_license.graph.facts import extract_facts, facts_from_json, facts_to_json, reader_for
from tests.helpers.graph_helpers import edge_data, edges_of


def test_a_path_dependency_on_a_proprietary_crate(asset_graph):
    g = asset_graph("cargo")
    inherited = edge_data(g, "vmm/Cargo.toml", "secret/crypto/Cargo.toml", "link")
    assert inherited["library"] == "secret-crypto"
    assert (inherited["evidence"].line, inherited["evidence"].text) == (
        7,
        "secret-crypto = { workspace = true }",
    )
    declared = edge_data(g, "Cargo.toml", "secret/crypto/Cargo.toml", "link")
    assert declared["evidence"].line == 9
    dev = edge_data(g, "crates/devices/Cargo.toml", "secret/vault/Cargo.toml", "link")
    assert dev["library"] == "secret-vault" and dev["evidence"].text == "[dev-dependencies.vault]"


def test_rust_use_of_a_workspace_crate_is_an_import_edge(asset_graph):
    g = asset_graph("cargo")
    use = edge_data(g, "vmm/src/main.rs", "secret/crypto/src/lib.rs", "import")
    assert use["module"] == "secret_crypto" and use["evidence"].line == 5
    assert use["evidence"].kind == "import"
    assert edge_data(g, "vmm/src/main.rs", "crates/devices/src/lib.rs", "import")
    # extern crate under the renamed key of a dev-dependency
    renamed = edge_data(g, "crates/devices/src/lib.rs", "secret/vault/src/lib.rs", "import")
    assert renamed["evidence"].text == "extern crate vault;"
    assert {t for s, t in edges_of(g, "import") if s == "vmm/src/main.rs"} == {
        "crates/devices/src/lib.rs",
        "secret/crypto/src/lib.rs",
    }  # not std, not the commented-out use, not serde (a registry crate)


def test_workspace_members_and_crate_roots(asset_graph):
    g = asset_graph("cargo")
    links = edges_of(g, "link")
    assert edge_data(g, "Cargo.toml", "crates/devices/Cargo.toml", "link")["evidence"].line == 3
    assert edge_data(g, "Cargo.toml", "vmm/Cargo.toml", "link")["subdir"] == "vmm"
    assert ("Cargo.toml", "crates/skip/Cargo.toml") not in links  # workspace exclude
    root = edge_data(g, "vmm/Cargo.toml", "vmm/src/main.rs", "link")
    assert root["artefact"] == "vmm" and root["evidence"].text == "[package]"


def test_an_invalid_manifest_is_skipped_with_a_message(asset_graph):
    g = asset_graph("cargo")
    (message,) = g.graph["errors"]["crates/broken/Cargo.toml"]
    assert message.startswith("cannot read Cargo.toml: ")
    assert g.out_degree("crates/broken/Cargo.toml") == 0


def test_a_crate_that_does_not_depend_on_another_does_not_import_it(graph_of):
    g = graph_of(
        {
            "a/Cargo.toml": '[package]\nname = "a"\n',
            "a/src/lib.rs": "use b::x;\n",
            "b/Cargo.toml": '[package]\nname = "b"\n',
            "b/src/lib.rs": "pub fn x() {}\n",
            "tools/gen.rs": "use b::x;\n",  # outside every crate: the one crate named b
        }
    )
    assert edges_of(g, "import") == {("tools/gen.rs", "b/src/lib.rs")}


def test_parse_rust_uses():
    uses = parse_rust_uses(
        "use crate::a;\npub(crate) use ::alpha::b;\nuse {beta::c, self::d,\n  gamma};\n"
        'let s = "use delta::x;";\n/* use eps::y; */\nextern crate zeta as z;\n'
        'let r = r#"use eta::z;"#;\n'
    )
    assert [(u.line, u.crate) for u in uses] == [
        (2, "alpha"),
        (3, "beta"),
        (4, "gamma"),
        (7, "zeta"),
    ]


def test_parse_cargo_dependency_tables():
    facts = parse_cargo(
        '[package]\nname = "p"\n[lib]\nname = "plib"\npath = "lib.rs"\n'
        '[target.\'cfg(unix)\'.build-dependencies]\nq = { path = "../q" }\nr = "1"\n'
    )
    assert (facts.package, facts.lib_name, facts.lib_path) == ("p", "plib", "lib.rs")
    (dep,) = facts.dependencies
    assert (dep.name, dep.path, dep.line) == ("q", "../q", 7)


def test_readers_and_cached_facts():
    assert reader_for("x/Cargo.toml") == "cargo"
    assert reader_for("x/src/main.rs") == "rust"
    for reader, text in (
        ("cargo", '[workspace]\nmembers = ["a"]\n[workspace.dependencies]\nb = { path = "b" }\n'),
        ("cargo", "[broken\n"),
        ("rust", "use a::b;\n"),
    ):
        facts = extract_facts(reader, text)
        assert facts_from_json(facts_to_json(facts)) == facts


def test_parse_rust_paths_without_a_use():
    uses = parse_rust_uses(
        "use std::io;\nuse crate::{block, net as n};\nmod vsock;\n"
        "pub type Result<T> = result::Result<T, hypervisor::CpuError>;\n"
        "fn f(v: &dyn hypervisor::Vcpu) -> Vec<u8> {\n"
        "    block::Disk::new(); vsock::x(); n::y(); a.b::c; Vec::<u8>::new();\n"
        '    let s = "vmm::x"; pub(crate) use ::alpha::b; arch::setup()\n}\n'
    )
    # once each, at the first line; names the file declares or imports are its own
    assert [(u.line, u.crate) for u in uses] == [
        (7, "alpha"),
        (4, "result"),
        (4, "hypervisor"),
        (7, "arch"),
    ]


def test_a_path_to_a_dependency_without_a_use_is_an_import_edge(graph_of):
    # cloud-hypervisor's arch crate names hypervisor::HypervisorCpuError without a `use`
    g = graph_of(
        {
            "arch/Cargo.toml": '[package]\nname = "arch"\n[dependencies]\n'
            'hypervisor = { path = "../hypervisor" }\nblock = { path = "../block" }\n',
            "arch/src/lib.rs": "mod block;\npub fn f(v: &dyn hypervisor::Vcpu) {}\n"
            "fn g() { block::x(); Ordering::Less; }\n",
            "hypervisor/Cargo.toml": '[package]\nname = "hypervisor"\n',
            "hypervisor/src/lib.rs": "pub trait Vcpu {}\n",
            "block/Cargo.toml": '[package]\nname = "block"\n',
            "block/src/lib.rs": "",
        }
    )
    edge = edge_data(g, "arch/src/lib.rs", "hypervisor/src/lib.rs", "import")
    assert edge["evidence"].line == 2 and edge["module"] == "hypervisor"
    # `mod block;` makes block:: the crate's own module, not the dependency
    assert edges_of(g, "import") == {("arch/src/lib.rs", "hypervisor/src/lib.rs")}
