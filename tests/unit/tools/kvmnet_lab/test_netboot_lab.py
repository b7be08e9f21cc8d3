# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab never stops, redefines or un-autostarts a libvirt network it did not create (kvmnet_lab.netboot_lab),
on libvirt's test driver: its `default` network runs, and its domain `test` runs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import libvirt
import pytest
from kvmnet_lab import netboot_lab


@pytest.fixture
def conn():
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    connection = libvirt.open('test:///default')
    yield connection
    connection.close()


def test_a_running_default_is_left_alone(conn):
    """M7: before, the lab destroyed and undefined the host's default network even when VMs used it."""
    with pytest.raises(netboot_lab.ForeignNetworkInUse, match="'default' is running: the lab will not stop it"):
        netboot_lab.borrow_default(conn)
    assert conn.networkLookupByName('default').isActive()


def test_a_default_a_domain_uses_is_left_alone(conn):
    conn.networkLookupByName('default').destroy()
    nic = "<interface type='network'><source network='default'/></interface>"
    conn.defineXML(conn.lookupByName('test').XMLDesc(0).replace('<devices>', '<devices>' + nic, 1))
    with pytest.raises(netboot_lab.ForeignNetworkInUse, match='domains test use'):
        netboot_lab.borrow_default(conn)
    assert conn.networkLookupByName('default').isPersistent()


def test_an_idle_default_is_put_back_as_it_was(conn):
    conn.lookupByName('test').destroy()
    conn.lookupByName('test').undefine()
    net = conn.networkLookupByName('default')
    net.destroy()
    net.setAutostart(1)
    before = net.XMLDesc(0)
    saved = netboot_lab.borrow_default(conn)
    assert saved == {'xml': before, 'autostart': True}
    with pytest.raises(libvirt.libvirtError):
        conn.networkLookupByName('default')
    conn.networkDefineXML(netboot_lab.lab_default_xml('198.18.122.0/24'))
    assert netboot_lab.borrow_default(conn) == 'lab'
    netboot_lab.give_back_default(conn, saved)
    net = conn.networkLookupByName('default')
    assert net.XMLDesc(0) == before and net.autostart() and not net.isActive()
