"""Link edges from Kbuild files and Makefiles (Linux- and Xen-style snippets)."""

from __future__ import annotations

from openesx_license.graph.makefile import Variables, parse_makefile
from tests.helpers.graph_helpers import edge_data, edges_of

# Linux-style: drivers/Makefile, a composite module and lib/Makefile (shapes as in Linux 6.x)
LINUX_DRIVERS_MAKEFILE = """\
# SPDX-License-Identifier: GPL-2.0
#
# Makefile for the Linux kernel device drivers.
obj-y				+= irqchip/
obj-$(CONFIG_PCI)		+= pci/
obj-$(CONFIG_NET)		+= net/
obj-y				+= base.o
"""
LINUX_NET_KBUILD = """\
# SPDX-License-Identifier: GPL-2.0
obj-$(CONFIG_E1000) += e1000.o
obj-m += dummy.o

e1000-objs := e1000_main.o e1000_hw.o e1000_ethtool.o \\
\t      e1000_param.o
e1000-$(CONFIG_E1000_DEBUG) += e1000_debug.o
"""
LINUX_LIB_MAKEFILE = """\
lib-y := ctype.o string.o \\
\t cmdline.o
obj-y += sort.o
"""


def _linux_tree() -> dict[str, str]:
    return {
        "drivers/Makefile": LINUX_DRIVERS_MAKEFILE,
        "drivers/base.c": "",
        "drivers/irqchip/Makefile": "obj-y += irq-gic.o\n",
        "drivers/irqchip/irq-gic.c": "",
        "drivers/pci/Makefile": "obj-y += probe.o\n",
        "drivers/pci/probe.c": "",
        "drivers/net/Kbuild": LINUX_NET_KBUILD,
        "drivers/net/Makefile": "# ignored: Kbuild takes precedence\n",
        "drivers/net/e1000_main.c": "",
        "drivers/net/e1000_hw.c": "",
        "drivers/net/e1000_ethtool.c": "",
        "drivers/net/e1000_param.c": "",
        "drivers/net/e1000_debug.c": "",
        "drivers/net/dummy.c": "",
        "lib/Makefile": LINUX_LIB_MAKEFILE,
        "lib/ctype.c": "",
        "lib/string.c": "",
        "lib/cmdline.c": "",
        "lib/sort.c": "",
        "arch/x86/lib/memcpy_64.S": "",
        "arch/x86/lib/Makefile": "lib-y += memcpy_64.o\n",
    }


def test_linux_subdirectories_link_to_their_build_files(graph_of):
    g = graph_of(_linux_tree())
    links = edges_of(g, "link")
    assert ("drivers/Makefile", "drivers/irqchip/Makefile") in links
    assert ("drivers/Makefile", "drivers/pci/Makefile") in links
    assert ("drivers/Makefile", "drivers/net/Kbuild") in links  # Kbuild wins over Makefile
    assert ("drivers/Makefile", "drivers/base.c") in links
    pci = edge_data(g, "drivers/Makefile", "drivers/pci/Makefile", "link")
    assert pci["condition"] == "CONFIG_PCI"
    assert pci["evidence"].line == 5
    assert pci["evidence"].text.startswith("obj-$(CONFIG_PCI)")
    assert "condition" not in edge_data(g, "drivers/Makefile", "drivers/base.c", "link")


def test_linux_composite_object_links_each_part(graph_of):
    g = graph_of(_linux_tree())
    links = edges_of(g, "link")
    parts = ["e1000_main.c", "e1000_hw.c", "e1000_ethtool.c", "e1000_param.c"]
    for part in parts:
        assert ("drivers/net/Kbuild", f"drivers/net/{part}") in links
    main = edge_data(g, "drivers/net/Kbuild", "drivers/net/e1000_main.c", "link")
    assert main["artefact"] == "e1000.o"
    assert main["condition"] == "CONFIG_E1000"
    assert main["evidence"].line == 5  # the e1000-objs line, continued over two lines
    debug = edge_data(g, "drivers/net/Kbuild", "drivers/net/e1000_debug.c", "link")
    assert debug["condition"] == "CONFIG_E1000_DEBUG"
    assert ("drivers/net/Kbuild", "drivers/net/dummy.c") in links
    assert not any(t == "drivers/net/e1000.c" for _, t in links)
    assert not any(s == "drivers/net/Makefile" for s, _ in links)


def test_linux_lib_y_objects_and_assembly_sources(graph_of):
    g = graph_of(_linux_tree())
    links = edges_of(g, "link")
    for name in ("ctype.c", "string.c", "cmdline.c", "sort.c"):
        assert ("lib/Makefile", f"lib/{name}") in links
    assert ("arch/x86/lib/Makefile", "arch/x86/lib/memcpy_64.S") in links


XEN_COMMON_MAKEFILE = """\
obj-$(CONFIG_ARGO) += argo.o
obj-y += bitmap.o
obj-y += domain.o
obj-bin-y += gunzip.init.o
obj-y += sched/
subdir-$(CONFIG_COMPAT) += compat
"""
XEN_CTRL_MAKEFILE = """\
XEN_ROOT = $(CURDIR)/../../..
include $(XEN_ROOT)/tools/Rules.mk

include Makefile.common

LIBHEADER := xenctrl.h xenctrl_compat.h

include $(XEN_ROOT)/tools/libs/libs.mk
"""
XEN_CTRL_COMMON = """\
OBJS-y       += xc_altp2m.o
OBJS-y       += xc_domain.o
OBJS-$(CONFIG_X86) += xc_cpuid_x86.o
"""
XEN_TOOL_MAKEFILE = """\
XEN_ROOT = $(CURDIR)/../..
include $(XEN_ROOT)/tools/Rules.mk

CFLAGS += -Werror
LDLIBS += -lxenctrl -lz

xenpm: xenpm.o
\t$(CC) $(LDFLAGS) -o $@ $< $(LDLIBS) $(APPEND_LDFLAGS)
"""
XEN_STAT_MAKEFILE = """\
XEN_ROOT=$(CURDIR)/../..
include $(XEN_ROOT)/tools/Rules.mk
OBJS = xenstat_main.o
xenstat: $(OBJS)
\t$(CC) -o $@ $(OBJS) $(LDLIBS_libxenctrl)
"""


def _xen_tree() -> dict[str, str]:
    return {
        "xen/common/Makefile": XEN_COMMON_MAKEFILE,
        "xen/common/argo.c": "",
        "xen/common/bitmap.c": "",
        "xen/common/domain.c": "",
        "xen/common/gunzip.c": "",
        "xen/common/sched/Makefile": "obj-y += core.o\n",
        "xen/common/sched/core.c": "",
        "xen/common/compat/Makefile": "obj-y += kernel.o\n",
        "xen/common/compat/kernel.c": "",
        "tools/Rules.mk": "LDLIBS_libxenctrl = $(call xenlibs-ldlibs,ctrl)\n",
        "tools/libs/libs.mk": "LIBNAME := $(notdir $(CURDIR))\nlib$(LIBNAME).a: $(OBJS-y)\n",
        "tools/libs/ctrl/Makefile": XEN_CTRL_MAKEFILE,
        "tools/libs/ctrl/Makefile.common": XEN_CTRL_COMMON,
        "tools/libs/ctrl/xc_altp2m.c": "",
        "tools/libs/ctrl/xc_domain.c": "",
        "tools/libs/ctrl/xc_cpuid_x86.c": "",
        "tools/misc/Makefile": XEN_TOOL_MAKEFILE,
        "tools/misc/xenpm.c": "",
        "tools/xenstat/Makefile": XEN_STAT_MAKEFILE,
        "tools/xenstat/xenstat_main.c": "",
    }


def test_xen_objects_conditions_and_subdirectories(graph_of):
    g = graph_of(_xen_tree())
    links = edges_of(g, "link")
    for name in ("argo.c", "bitmap.c", "domain.c", "gunzip.c"):
        assert ("xen/common/Makefile", f"xen/common/{name}") in links
    assert edge_data(g, "xen/common/Makefile", "xen/common/argo.c", "link")["condition"] == (
        "CONFIG_ARGO"
    )
    assert ("xen/common/Makefile", "xen/common/sched/Makefile") in links
    compat = edge_data(g, "xen/common/Makefile", "xen/common/compat/Makefile", "link")
    assert compat["condition"] == "CONFIG_COMPAT"
    assert compat["subdir"] == "compat"


def test_xen_library_objects_come_from_the_included_makefile_common(graph_of):
    g = graph_of(_xen_tree())
    links = edges_of(g, "link")
    for name in ("xc_altp2m.c", "xc_domain.c", "xc_cpuid_x86.c"):
        assert ("tools/libs/ctrl/Makefile.common", f"tools/libs/ctrl/{name}") in links


def test_dash_l_links_to_the_sources_of_a_library_the_tree_builds(graph_of):
    g = graph_of(_xen_tree())
    links = edges_of(g, "link")
    for name in ("xc_altp2m.c", "xc_domain.c", "xc_cpuid_x86.c"):
        assert ("tools/misc/Makefile", f"tools/libs/ctrl/{name}") in links
        assert ("tools/xenstat/Makefile", f"tools/libs/ctrl/{name}") in links
    data = edge_data(g, "tools/misc/Makefile", "tools/libs/ctrl/xc_domain.c", "link")
    assert data["library"] == "libxenctrl"
    assert data["evidence"].line == 5
    assert "-lxenctrl" in data["evidence"].text
    # the program's own objects, from its rule
    xenpm = edge_data(g, "tools/misc/Makefile", "tools/misc/xenpm.c", "link")
    assert xenpm["artefact"] == "xenpm"
    # -lz: not built by the tree, no edge and no node
    assert not any("libz" in str(d.get("library")) for _, _, d in g.edges(data=True))


VMKERNEL_MAKEFILE = """\
OBJS := sched.o mem.o
LDFLAGS += -L../ha
vmkernel: $(OBJS) ../ha/libha.a
\t$(LD) -o $@ $(OBJS) -lha
"""
HA_MAKEFILE = """\
LIB := libha.a
SRCS = ha_main.c ha_net.c
libha.a: ha_main.o ha_net.o
\t$(AR) rcs $@ $^
"""


def test_linking_a_proprietary_archive_reaches_its_sources(graph_of):
    g = graph_of(
        {
            "vmkernel/Makefile": VMKERNEL_MAKEFILE,
            "vmkernel/sched.c": "",
            "vmkernel/mem.c": "",
            "ha/Makefile": HA_MAKEFILE,
            "ha/ha_main.c": "",
            "ha/ha_net.c": "",
        }
    )
    links = edges_of(g, "link")
    assert ("vmkernel/Makefile", "vmkernel/sched.c") in links
    assert ("vmkernel/Makefile", "ha/ha_main.c") in links
    assert ("vmkernel/Makefile", "ha/ha_net.c") in links
    assert ("ha/Makefile", "ha/ha_main.c") in links
    data = edge_data(g, "vmkernel/Makefile", "ha/ha_main.c", "link")
    assert data["library"] == "libha"
    assert data["evidence"].line == 3  # the rule naming ../ha/libha.a comes first


def test_makefile_syntax_continuations_operators_and_rules():
    facts = parse_makefile(
        "A := x.o \\\n  y.o  # comment\nB += z.o\nC ?= 1\nexport D = q\n"
        "\tnot a recipe here\nall: prog\nprog: a.o b.o ; @echo\n\t$(CC) -lfoo\n"
    )
    assert [(a.line, a.var, a.op, a.value) for a in facts.assignments] == [
        (1, "A", ":=", "x.o y.o"),
        (3, "B", "+=", "z.o"),
        (4, "C", "?=", "1"),
        (5, "D", "=", "q"),
    ]
    assert [(r.targets, r.prerequisites) for r in facts.rules] == [
        ("all", "prog"),
        ("prog", "a.o b.o"),
    ]
    assert [r.line for r in facts.recipes] == [9]


def test_variables_expand_references_and_substitutions():
    variables = Variables()
    variables.assign("SRCS", "=", "a.c b.c")
    variables.assign("OBJS", ":=", "$(SRCS:.c=.o)")
    variables.assign("OBJS", "+=", "${EXTRA}")
    variables.assign("EXTRA", "?=", "e.o")
    variables.assign("EXTRA", "?=", "ignored.o")
    assert variables.expand("$(OBJS) $(UNKNOWN)") == "a.o b.o e.o $(UNKNOWN)"


def test_built_in_archives_link_to_the_folder_build_file(graph_of):
    files = {
        "Makefile": "vmlinux: vmkernel/built-in.a drivers/built-in.a\n\t$(LD) -o $@ $^\n",
        "vmkernel/Kbuild": "obj-y += init.o\n",
        "vmkernel/Makefile": "obj-y += ignored.o\n",
        "vmkernel/init.c": "",
        "drivers/Makefile": "obj-y += net/\n",
        "drivers/net/Makefile": "obj-y += nic.o\n",
        "drivers/net/nic.c": "",
    }
    g = graph_of(files)
    links = edges_of(g, "link")
    assert ("Makefile", "vmkernel/Kbuild") in links
    assert ("Makefile", "vmkernel/Makefile") not in links
    assert ("Makefile", "drivers/Makefile") in links
    assert edge_data(g, "Makefile", "drivers/Makefile", "link")["library"] == "drivers/built-in.a"
