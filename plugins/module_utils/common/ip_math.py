# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Small IP helpers over netaddr. Callers handle netaddr's absence through HAS_NETADDR."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.optional_import import optional_import

netaddr, NETADDR_IMPORT_ERROR = optional_import('netaddr')
HAS_NETADDR = netaddr is not None


def family(address):
    """4 or 6: the IP family of an address (or network) written as text. The one place that tells them apart."""
    return 6 if ':' in str(address) else 4


def family_word(address):
    """``ipv4`` or ``ipv6``, as iproute2 and libvirt write the family of ``address``."""
    return 'ipv%d' % family(address)


def normalise_address(address):
    """Canonical text of an IP address (``2001:DB8::0001`` -> ``2001:db8::1``); unparsable text as is."""
    try:
        return str(netaddr.IPAddress(address))
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return address


def host_address(text):
    """(version, canonical text) of one IPv4 or IPv6 address written in full (no prefix, no
    ``10`` for 0.0.0.10). Raises ValueError with the reason."""
    try:
        address = netaddr.IPAddress(str(text), flags=netaddr.INET_PTON)
    except (netaddr.AddrFormatError, ValueError, TypeError) as exc:
        raise ValueError('%r is not an IPv4 or IPv6 address (%s)' % (text, exc))
    return address.version, str(address)


def address_in_network(address, network_address, prefix):
    try:
        return netaddr.IPAddress(address) in netaddr.IPNetwork('%s/%s' % (network_address, prefix))
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return False


def netmask_to_prefix(netmask):
    return netaddr.IPAddress(netmask).netmask_bits()
