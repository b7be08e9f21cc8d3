# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Names and limits that the kernel, libvirt and MAAS impose, each written once.

MAAS and libvirt spell one macvlan mode differently: MAAS (and the kernel's ``ip link``) say
``passthru``, libvirt's domain XML says ``passthrough``. The collection speaks MAAS's words and
translates here, at the edge where domain XML is written or read.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# The kernel's IFNAMSIZ (16) less the terminating NUL.
MAX_IFNAME = 15
IFNAME_RE = re.compile(r'^[^\s/:]{1,%d}$' % MAX_IFNAME)

# macvlan modes in MAAS's vocabulary (the selection's and the modules' options).
MACVLAN_MODES = ('bridge', 'private', 'vepa', 'passthru')
_LIBVIRT_MACVLAN_MODE = {'bridge': 'bridge', 'private': 'private', 'vepa': 'vepa', 'passthru': 'passthrough'}
_MAAS_MACVLAN_MODE = dict((v, k) for k, v in _LIBVIRT_MACVLAN_MODE.items())

# libvirt network ``<forward mode=...>`` values.
FORWARD_MODES = ('nat', 'route', 'open', 'bridge', 'private', 'vepa', 'passthrough', 'hostdev')


def libvirt_macvlan_mode(mode):
    """The ``<source mode=...>`` libvirt's domain XML wants for a MAAS macvlan mode."""
    return _LIBVIRT_MACVLAN_MODE.get(mode, mode)


def maas_macvlan_mode(mode):
    """The MAAS word for a ``<source mode=...>`` read from libvirt's domain XML."""
    return _MAAS_MACVLAN_MODE.get(mode, mode)


def is_local_uri(uri):
    """True for a libvirt URI of this host (``qemu:///system``), false for ``qemu+ssh://host/system``."""
    return '//' in uri and uri.split('//', 1)[1].startswith('/')


MAC_RE = re.compile(r'^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$')


def mac_problem(mac):
    """None when ``mac`` is a unicast MAC address (six hex pairs separated by ":"), else what is wrong."""
    if not isinstance(mac, str) or not MAC_RE.match(mac.strip()):
        return '%r is not a MAC address (six hex pairs separated by ":")' % (mac,)
    if int(mac.strip()[:2], 16) & 1:
        return '%s is a multicast MAC address; a NIC needs a unicast one' % mac.strip().lower()
    return None
