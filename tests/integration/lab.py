# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab plumbing for the integration tests: network namespaces, libvirt objects, running our modules.

Safety rules (see README): only namespaces and bridges made here; addresses inside the test's own
namespaces from 198.51.100.0/24 and 2001:db8::/32; anything in the host's own namespace (a libvirt
network that is started) from 198.18.0.0/15, checked against the machine's routes, addresses,
nameservers and package sources first (kvmnet_lab.lab_safety); nothing on the machine's uplink, routes
or firewall; every object named with LAB_PREFIX so a crashed run's leftovers are found and removed by
the next one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import uuid

from kvmnet_lab import netboot_lab
from kvmnet_lab.modules import run_module, run_module_file  # noqa: F401 pylint: disable=unused-import
from kvmnet_lab.shell import in_netns, ip_json, sh  # noqa: F401 pylint: disable=unused-import

# The tree under test: the collection's copy the Makefile made (tests run from it).
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))

LAB_PREFIX = 'kvmnt-'
LIBVIRT_URI = 'qemu:///system'
LAB_DEFAULT_BRIDGE = netboot_lab.LAB_DEFAULT_BRIDGE
LAB_GATEWAY, LAB_DHCP_FIRST, LAB_DHCP_LAST, LAB_PREFIXLEN = netboot_lab.lab_default_addresses()


class Netns(object):
    """A network namespace with no route out; deleted (with every link in it) on close."""

    def __init__(self, tag):
        self.name = '%s%s-%s' % (LAB_PREFIX, tag, uuid.uuid4().hex[:6])
        sh('ip', 'netns', 'add', self.name)
        self.run('ip', 'link', 'set', 'lo', 'up')

    def run(self, *cmd, **kwargs):
        return in_netns(self.name, *cmd, **kwargs)

    def close(self):
        sh('ip', 'netns', 'del', self.name, check=False)


def remove_stale_netns():
    for line in sh('ip', 'netns', 'list').stdout.splitlines():
        name = line.split()[0] if line.split() else ''
        if name.startswith(LAB_PREFIX):
            sh('ip', 'netns', 'del', name, check=False)


def libvirt_conn():
    import libvirt  # pylint: disable=import-outside-toplevel
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    return libvirt.open(LIBVIRT_URI)


def remove_stale_libvirt(conn):
    """Destroy and undefine every lab domain and network a crashed run left behind."""
    import libvirt  # pylint: disable=import-outside-toplevel
    for thing in conn.listAllDomains(0) + conn.listAllNetworks(0):
        if thing.name().startswith(LAB_PREFIX):
            if thing.isActive():
                thing.destroy()
            if thing.isPersistent() and isinstance(thing, libvirt.virDomain):
                # a UEFI domain keeps an NVRAM file, which a plain undefine refuses to leave behind
                thing.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_NVRAM | libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
            elif thing.isPersistent():
                thing.undefine()


class BorrowedDefault(object):
    """The host's `default` network put aside for a test (kvmnet_lab.netboot_lab.borrow_default: only when it is not
    running and no domain uses it) and put back afterwards as it was, autostart flag included."""

    def __init__(self, conn):
        self.conn = conn
        self.saved = netboot_lab.borrow_default(conn)

    def restore(self):
        netboot_lab.give_back_default(self.conn, self.saved)


def lab_default_network(conn):
    """Put the host's `default` aside and define and start the lab one on ``lab_default_cidr``
    (198.18.122.0/24; DHCP on: the trap). Returns the BorrowedDefault to restore."""
    borrowed = BorrowedDefault(conn)
    try:
        netboot_lab.start_lab_default(conn)
    except Exception:
        borrowed.restore()
        raise
    return borrowed
