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

# Names of libvirt objects the collection defines (domains, networks, pools): they go into XML and file
# names, so letters, digits, ".", "_", "+" and "-" only, starting with a letter or digit.
MAX_OBJECT_NAME = 64
OBJECT_NAME_RE = re.compile(r'[A-Za-z0-9][A-Za-z0-9._+-]*\Z')
# ASCII control characters: never in a value that goes into XML, a file or a command.
CONTROL_RE = re.compile(r'[\x00-\x1f\x7f]')

# The kernel's IFNAMSIZ (16) less the terminating NUL.
MAX_IFNAME = 15
# What the kernel accepts (dev_valid_name): no blank, "/" or ":", and not "." or ".." - and no control character.
IFNAME_RE = re.compile(r'(?!\.{1,2}\Z)[^\s/:\x00-\x1f\x7f]{1,%d}\Z' % MAX_IFNAME)

# macvlan modes in MAAS's vocabulary (the selection's and the modules' options).
MACVLAN_MODES = ('bridge', 'private', 'vepa', 'passthru')
_LIBVIRT_MACVLAN_MODE = {'bridge': 'bridge', 'private': 'private', 'vepa': 'vepa', 'passthru': 'passthrough'}
_MAAS_MACVLAN_MODE = dict((v, k) for k, v in _LIBVIRT_MACVLAN_MODE.items())


def object_name_problem(name, what='name'):
    """None when ``name`` is a name the collection gives a libvirt object, else what is wrong (naming ``what``)."""
    if not isinstance(name, str) or not name:
        return '%s is required' % what
    if len(name) > MAX_OBJECT_NAME:
        return '%s %r is %d characters; the limit is %d' % (what, name[:20] + '...', len(name), MAX_OBJECT_NAME)
    if not OBJECT_NAME_RE.match(name):
        return ('%s %r may hold only letters, digits, ".", "_", "+" and "-" (no "/", "<", spaces), starting with a '
                'letter or digit' % (what, name))
    return None


def ifname_problem(name, what='interface'):
    """None when ``name`` is a network interface name the kernel accepts, else what is wrong."""
    if not isinstance(name, str) or not IFNAME_RE.match(name):
        return ('%s %r is not an interface name (1-%d characters, no blank, "/" or ":", not "." or "..")'
                % (what, name, MAX_IFNAME))
    return None


def text_problem(value, what):
    """None when ``value`` is text without control characters, else what is wrong."""
    if not isinstance(value, str) or CONTROL_RE.search(value):
        return '%s %r holds a control character (or is not text)' % (what, value)
    return None


def libvirt_macvlan_mode(mode):
    """The ``<source mode=...>`` libvirt's domain XML wants for a MAAS macvlan mode."""
    return _LIBVIRT_MACVLAN_MODE.get(mode, mode)


def maas_macvlan_mode(mode):
    """The MAAS word for a ``<source mode=...>`` read from libvirt's domain XML."""
    return _MAAS_MACVLAN_MODE.get(mode, mode)


MAC_RE = re.compile(r'[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}\Z')


def normalise_macs(macs, option):
    """Lower-case MACs, in order, each once; ValueError naming ``option`` and the bad one."""
    found = []
    for mac in macs or []:
        problem = mac_problem(mac)
        if problem:
            raise ValueError('%s: %s' % (option, problem))
        text = mac.strip().lower()
        if text not in found:
            found.append(text)
    return found


def mac_problem(mac):
    """None when ``mac`` is a unicast MAC address (six hex pairs separated by ":"), else what is wrong."""
    if not isinstance(mac, str) or not MAC_RE.match(mac.strip()):
        return '%r is not a MAC address (six hex pairs separated by ":")' % (mac,)
    if int(mac.strip()[:2], 16) & 1:
        return '%s is a multicast MAC address; a NIC needs a unicast one' % mac.strip().lower()
    return None
