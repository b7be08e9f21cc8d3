# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A host where VMs come and go: a domain undefined between libvirt's listing and reading it is left out - the
facts, the identities in use and the domains on a network are read as they are, not failed. Found when the
compose benchmark's clean-up ran beside a compose (libvirt test driver, and a domain that vanishes)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import libvirt
import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import connection, inventory


def vanished(*args, **kwargs):
    error = libvirt.libvirtError('Domain not found: no domain with matching uuid')
    error.err = (libvirt.VIR_ERR_NO_DOMAIN, 0, 'Domain not found', 2, None, None, None, -1, -1)
    raise error


@pytest.fixture
def conn(monkeypatch):
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    connection_ = libvirt.open('test:///default')
    doomed = connection_.defineXML("<domain type='test'><name>doomed</name><memory>1024</memory>"
                                   "<os><type>hvm</type></os></domain>")
    listed = connection_.listAllDomains

    def listing(flags=0):
        domains = listed(flags)
        for dom in domains:
            if dom.name() == 'doomed':
                monkeypatch.setattr(dom, 'XMLDesc', vanished)
                monkeypatch.setattr(dom, 'state', vanished)
        return domains
    monkeypatch.setattr(connection_, 'listAllDomains', listing)
    yield connection_
    doomed.undefine()
    connection_.close()


def test_the_facts_leave_a_vanished_domain_out(conn):
    names = [r.xml for r in connection.raw_domains(conn)]
    assert len(names) == 1 and '<name>test</name>' in names[0]


def test_the_identities_in_use_leave_it_out(conn):
    macs, taps = inventory.identities_in_use(conn, 'new-vm')
    assert isinstance(macs, set) and isinstance(taps, set)


def test_another_error_still_fails(conn):
    dom = conn.lookupByName('test')

    def refused(*args):
        error = libvirt.libvirtError('internal error')
        error.err = (libvirt.VIR_ERR_INTERNAL_ERROR, 0, 'internal error', 2, None, None, None, -1, -1)
        raise error
    with pytest.raises(libvirt.libvirtError):
        connection.read_or_gone(refused)
    assert connection.read_or_gone(dom.name) == 'test'
