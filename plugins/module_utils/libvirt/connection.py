# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The thin libvirt-python shell: open a connection, read networks and domains as raw records, look
objects up by name.

Shell: this is the only file of module_utils that imports libvirt (the modules import it from here).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.optional_import import optional_import
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.domain_events import state_word
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.records import RawDomain, RawNetwork

libvirt, LIBVIRT_IMPORT_ERROR = optional_import('libvirt')
HAS_LIBVIRT = libvirt is not None


class LibvirtConnectionError(Exception):
    """libvirt could not be reached at the given URI."""


def _quiet(_ctx, _err):
    """libvirt prints every error to stderr unless a handler is set; we report them ourselves."""


def open_connection(uri, read_only=False):
    libvirt.registerErrorHandler(_quiet, None)
    try:
        conn = libvirt.openReadOnly(uri) if read_only else libvirt.open(uri)
    except libvirt.libvirtError as exc:
        raise LibvirtConnectionError(
            'cannot connect to libvirt at %s: %s. Check that libvirtd (or virtqemud) is running and that '
            'the URI is right.' % (uri, exc.get_error_message() or exc))
    if conn is None:
        raise LibvirtConnectionError('cannot connect to libvirt at %s' % uri)
    return conn


def libvirt_info(conn):
    version = conn.getLibVersion()
    return {
        'uri': conn.getURI(),
        'version': '%d.%d.%d' % (version // 1000000, (version // 1000) % 1000, version % 1000),
        'hypervisor': conn.getType(),
        'hostname': conn.getHostname(),
    }


def read_or_gone(read):
    """``read()``, or None when the domain or network it reads was removed since it was listed (undefined by
    someone else meanwhile): a host where VMs come and go is read as it is at that moment, not failed."""
    try:
        return read()
    except libvirt.libvirtError as exc:
        if exc.get_error_code() in (libvirt.VIR_ERR_NO_DOMAIN, libvirt.VIR_ERR_NO_NETWORK):
            return None
        raise


def raw_networks(conn):
    records = (read_or_gone(lambda net=net: RawNetwork(xml=net.XMLDesc(0), active=bool(net.isActive()),
                                                       persistent=bool(net.isPersistent()),
                                                       autostart=bool(net.autostart())))
               for net in conn.listAllNetworks(0))
    return [r for r in records if r is not None]


def raw_domains(conn):
    records = (read_or_gone(lambda dom=dom: RawDomain(xml=dom.XMLDesc(0), state=state_word(dom.state()[0]),
                                                      persistent=bool(dom.isPersistent()),
                                                      autostart=bool(dom.autostart())))
               for dom in conn.listAllDomains(0))
    return [r for r in records if r is not None]


def error_message(exc):
    """A libvirtError's own message, without the Python repr noise."""
    if libvirt is not None and isinstance(exc, libvirt.libvirtError):
        return exc.get_error_message() or str(exc)
    return str(exc)


def lookup_or_none(lookup, name):
    """``lookup(name)`` (for example ``conn.networkLookupByName``), or None when libvirt has no such object."""
    try:
        return lookup(name)
    except libvirt.libvirtError:
        return None
