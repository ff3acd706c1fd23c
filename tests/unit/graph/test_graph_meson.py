"""Link edges from meson.build files (QEMU-style snippets)."""

from __future__ import annotations

from openesx_license.graph.meson import parse_meson
from tests.helpers.graph_helpers import edge_data, edges_of

HW_MESON = """\
subdir('net')
subdir('core')   # subdir('commented-out')
"""
NET_MESON = """\
softmmu_ss.add(when: 'CONFIG_DP8393X', if_true: files('dp8393x.c'))
# PCI network cards
softmmu_ss.add(when: 'CONFIG_E1000_PCI', if_true: files('e1000.c', 'e1000x_common.c'))
softmmu_ss.add(when: ['CONFIG_VIRTIO_NET', 'CONFIG_VHOST_NET'],
               if_true: files('vhost_net.c'),
               if_false: files('vhost_net-stub.c'))
softmmu_ss.add(files(
  'net_tx_pkt.c',
  'missing.c',
))
"""


def test_meson_files_and_subdirs_become_link_edges(graph_of):
    files = {
        "hw/meson.build": HW_MESON,
        "hw/net/meson.build": NET_MESON,
        "hw/net/dp8393x.c": "",
        "hw/net/e1000.c": "",
        "hw/net/e1000x_common.c": "",
        "hw/net/vhost_net.c": "",
        "hw/net/vhost_net-stub.c": "",
        "hw/net/net_tx_pkt.c": "",
        "hw/core/meson.build": "",
    }
    g = graph_of(files)
    links = edges_of(g, "link")
    assert ("hw/meson.build", "hw/net/meson.build") in links
    assert ("hw/meson.build", "hw/core/meson.build") in links
    for name in ("dp8393x.c", "e1000.c", "e1000x_common.c", "vhost_net.c", "net_tx_pkt.c"):
        assert ("hw/net/meson.build", f"hw/net/{name}") in links
    e1000 = edge_data(g, "hw/net/meson.build", "hw/net/e1000x_common.c", "link")
    assert e1000["condition"] == "CONFIG_E1000_PCI"
    assert e1000["evidence"].line == 3
    vhost = edge_data(g, "hw/net/meson.build", "hw/net/vhost_net.c", "link")
    assert vhost["condition"] == "CONFIG_VIRTIO_NET CONFIG_VHOST_NET"
    assert vhost["evidence"].line == 5
    stub = edge_data(g, "hw/net/meson.build", "hw/net/vhost_net-stub.c", "link")
    assert stub["condition"] == "not (CONFIG_VIRTIO_NET CONFIG_VHOST_NET)"
    assert "condition" not in edge_data(g, "hw/net/meson.build", "hw/net/net_tx_pkt.c", "link")


def test_comments_are_not_read():
    entries = parse_meson(HW_MESON)
    assert [(e.kind, e.value) for e in entries] == [("subdir", "net"), ("subdir", "core")]
