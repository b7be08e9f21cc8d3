# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Gather ``kvm_host_network`` on a live host: libvirt-python for libvirt, iproute2 JSON for links.

Shell: it opens libvirt (through ``libvirt.connection``) and runs ``ip`` (through
``host.commands``). Shared by every module that needs the host's picture (``kvm_network_facts``,
``kvm_attachment_select``; ``kvm_host_bridge`` uses ``collect_links`` only).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common import xml_parsing
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.commands import (
    IprouteError, gather_links, gather_routes)
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.facts import SUBSETS, build_host_network
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.management_interface import ManagementAddressError
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import connection as libvirt_connection


class FactsGatherError(Exception):
    """Gathering failed in a way the user can act on; the message says how."""


def normalise_subsets(requested):
    """``all``/``!x`` handling as in ``setup``'s gather_subset; raises on unknown names."""
    requested = list(requested or ['all'])
    unknown = [s for s in requested if s.lstrip('!') not in SUBSETS + ('all',)]
    if unknown:
        raise FactsGatherError('unknown gather_subset %s; choose from: all, %s (prefix ! to exclude)'
                               % (', '.join(repr(u) for u in unknown), ', '.join(SUBSETS)))
    chosen = set()
    if 'all' in requested or all(s.startswith('!') for s in requested):
        chosen.update(SUBSETS)
    chosen.update(s for s in requested if not s.startswith('!') and s != 'all')
    chosen.difference_update(s[1:] for s in requested if s.startswith('!'))
    return sorted(chosen)


def _libvirt_parts(uri, subsets):
    """The libvirt part (uri, version) always; networks and domains when asked for."""
    parts = {}
    try:
        conn = libvirt_connection.open_connection(uri, read_only=True)
        try:
            parts['libvirt_info'] = libvirt_connection.libvirt_info(conn)
            if 'networks' in subsets:
                parts['raw_networks'] = libvirt_connection.raw_networks(conn)
            if 'domains' in subsets:
                parts['raw_domains'] = libvirt_connection.raw_domains(conn)
        finally:
            conn.close()
    except libvirt_connection.LibvirtConnectionError as exc:
        raise FactsGatherError(str(exc))
    except libvirt_connection.libvirt.libvirtError as exc:
        raise FactsGatherError('libvirt at %s failed while listing networks and domains: %s'
                               % (uri, libvirt_connection.error_message(exc)))
    return parts


def link_parts(commands):
    """``links``, ``routes_v4`` and ``routes_v6`` for build_host_network, read through ``commands``."""
    try:
        links = gather_links(commands)
        routes_v4, routes_v6 = gather_routes(commands)
    except IprouteError as exc:
        raise FactsGatherError(str(exc))
    return {'links': links, 'routes_v4': routes_v4, 'routes_v6': routes_v6}


def collect_links(commands, management_ip=None):
    """The host's links, routes and management interface, without libvirt."""
    return _build(link_parts(commands), management_ip)


def collect(commands, uri, subsets, management_ip=None):
    """Gather the subsets (already normalised) and build the fact. Raises FactsGatherError.

    ``commands`` is a host.commands.HostCommands, or None when the ``ip`` command is missing.
    """
    parts = _libvirt_parts(uri, subsets)
    if 'interfaces' in subsets:
        if commands is None:
            raise FactsGatherError('the ip command (iproute2) is not installed on the target')
        parts.update(link_parts(commands))
    elif management_ip:
        raise FactsGatherError('management_ip needs the interfaces subset; add it to gather_subset')
    return _build(parts, management_ip)


def _build(parts, management_ip):
    try:
        return build_host_network(management_ip=management_ip, **parts)
    except (ManagementAddressError, xml_parsing.XmlDocumentError, ValueError) as exc:
        raise FactsGatherError(str(exc))
