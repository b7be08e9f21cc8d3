# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""MAC addresses and tap device names for new VM NICs: deterministic, and unique on the host.

Both derive from the VM name and NIC index, so the same VM gets the same values when it is composed
again after a removal; a collision with what the host already uses moves to the next candidate.
The caller holds the host lock while it reads what is in use, allocates and defines.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
from collections import namedtuple

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.names import MAX_IFNAME

MAC_PREFIX = '52:54:00'  # QEMU's locally administered prefix
_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'

# The MAC and tap name a NIC gets (kept from the existing domain, or newly allocated).
NicIdentity = namedtuple('NicIdentity', 'mac target')


class IdentityConflict(ValueError):
    """A MAC the user asked for is already used on this host."""


def _digest(name, index, attempt):
    return hashlib.sha256(('%s/%d/%d' % (name, index, attempt)).encode('utf-8')).digest()


def allocate_mac(name, index, used):
    """A 52:54:00:xx:xx:xx address not in ``used`` (a set of lower-case MACs); adds it to ``used``."""
    for attempt in range(1 << 16):
        tail = _digest(name, index, attempt)[:3]
        mac = '%s:%02x:%02x:%02x' % ((MAC_PREFIX,) + tuple(bytearray(tail)))
        if mac not in used:
            used.add(mac)
            return mac
    raise RuntimeError('no free MAC address under %s for %s' % (MAC_PREFIX, name))


def _base36(data, length):
    value = int.from_bytes(data, 'big')
    chars = []
    for dummy in range(length):
        value, digit = divmod(value, 36)
        chars.append(_ALPHABET[digit])
    return ''.join(chars)


def allocate_tap(prefix, name, index, used):
    """``<prefix><hash>n<index>``, at most 15 characters, not in ``used``; adds it to ``used``."""
    suffix = 'n%d' % index
    room = MAX_IFNAME - len(prefix) - len(suffix)
    length = min(room, 6)
    if length < 3:
        raise ValueError('tap prefix %r leaves no room for a unique name' % prefix)
    for attempt in range(1 << 16):
        tap = '%s%s%s' % (prefix, _base36(_digest(name, index, attempt), length), suffix)
        if tap not in used:
            used.add(tap)
            return tap
    raise RuntimeError('no free tap name with prefix %s for %s' % (prefix, name))


def nic_identities(spec, existing, used_macs, used_taps):
    """One NicIdentity per NIC of ``spec`` (a VmSpec).

    ``existing``: (mac, target) of each NIC of the current definition, in order (empty for a new VM).
    A NIC keeps its MAC and tap name; a MAC given in the spec wins, unless another domain or link of
    the host uses it. ``used_macs``/``used_taps`` (sets) are what the rest of the host uses; the
    identities handed out are added to them.
    """
    identities = []
    for nic in spec.nics:
        old_mac, old_target = existing[nic.index] if nic.index < len(existing) else (None, None)
        mac = nic.mac or old_mac
        if mac and mac in used_macs and mac != old_mac:
            raise IdentityConflict('interfaces[%d]: MAC %s is already used on this host' % (nic.index, mac))
        if not mac:
            mac = allocate_mac(spec.name, nic.index, used_macs)
        used_macs.add(mac)
        if old_target and old_target.startswith(spec.tap_prefix) and old_target not in used_taps:
            target = old_target
        else:
            target = allocate_tap(spec.tap_prefix, spec.name, nic.index, used_taps)
        used_taps.add(target)
        identities.append(NicIdentity(mac, target))
    return identities
