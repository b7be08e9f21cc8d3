# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Gather ``kvm_host_network`` on a live host: libvirt-python for libvirt, iproute2 JSON for links.

Shared by every module that needs the host's picture (``kvm_network_facts``, ``kvm_attachment_select``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common import xml_parsing
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import connection as libvirt_connection
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.iproute2_gather import (
    IprouteError, gather_links, gather_routes)
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.facts import SUBSETS, build_host_network
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.management_interface import ManagementAddressError


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


def collect(module, uri, subsets, management_ip=None):
    """Gather the subsets (already normalised) and build the fact. Raises FactsGatherError."""
    parts = {}
    # The libvirt part (uri, version) is always reported; networks and domains only when asked for.
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
    if 'interfaces' in subsets:
        ip_bin = module.get_bin_path('ip', required=False)
        if not ip_bin:
            raise FactsGatherError('the ip command (iproute2) is not installed on the target')
        try:
            parts['links'] = gather_links(module.run_command, ip_bin)
            parts['routes_v4'], parts['routes_v6'] = gather_routes(module.run_command, ip_bin)
        except IprouteError as exc:
            raise FactsGatherError(str(exc))
    elif management_ip:
        raise FactsGatherError('management_ip needs the interfaces subset; add it to gather_subset')
    try:
        return build_host_network(management_ip=management_ip, **parts)
    except (ManagementAddressError, xml_parsing.XmlDocumentError, ValueError) as exc:
        raise FactsGatherError(str(exc))
