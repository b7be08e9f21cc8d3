# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a composed VM should look like, validated: the input of the domain XML builder."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re
from collections import namedtuple

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.names import (
    MACVLAN_MODES, ifname_problem, mac_problem, object_name_problem)
from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks import routed_claims

# What ``machine`` may be: a QEMU machine type (pc, q35, pc-q35-7.2, virt).
MACHINE_RE = re.compile(r'[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z')
MIN_MEMORY_MIB = 128
# What QEMU/KVM on x86 takes at most; bigger numbers are typing mistakes (and make libvirt allocate for them).
MAX_MEMORY_MIB = 16 * 2 ** 20
MAX_VCPUS = 4096
# 1 PiB: beyond any disk a PXE-booting VM gets; bigger numbers are typing mistakes.
MAX_DISK_GIB = 2 ** 20
INTERFACE_TYPES = ('network', 'bridge', 'macvlan', 'routed')
BOOT_DEVICES = ('network', 'hd')
DISK_FORMATS = ('qcow2', 'raw')
DISK_BUSES = ('virtio', 'scsi', 'sata', 'ide')
NIC_MODELS = ('virtio', 'e1000', 'e1000e', 'rtl8139')
# libvirt renames targets with these prefixes; a tap prefix must not use them.
RESERVED_TAP_PREFIXES = ('vnet', 'vif', 'macvtap', 'macvlan')
TAP_PREFIX_RE = re.compile(r'[a-z][a-z0-9]{0,5}\Z')


class SpecError(ValueError):
    """The requested VM is not valid; the message names the field."""


# ``mode`` is a macvlan mode in MAAS's words (None for other types). A routed NIC has no ``source``; its
# ``ips`` (canonical text) are routed to its tap, in routing table ``table`` (None for the other types).
NicSpec = namedtuple('NicSpec', 'index type source mode mac model boot ips table', defaults=((), None))
DiskSpec = namedtuple('DiskSpec', 'index size_gib pool format bus volume')


class VmSpec(namedtuple('VmSpec', 'name vcpus memory_mib disks nics boot domain_type machine firmware tap_prefix')):
    """The whole VM, validated."""

    __slots__ = ()

    @property
    def boot_nic(self):
        booted = [n for n in self.nics if n.boot]
        return booted[0] if booted else (self.nics[0] if self.nics else None)


def check_name(name):
    problem = object_name_problem(name)
    if problem:
        raise SpecError(problem)
    return name


def normalise_mac(mac, where):
    problem = mac_problem(mac)
    if problem:
        raise SpecError('%s: %s' % (where, problem))
    return mac.strip().lower()


def _nic(index, raw):
    where = 'interfaces[%d]' % index
    if not isinstance(raw, dict):
        raise SpecError('%s must be a dict (an attachment from kvm_attachment_select)' % where)
    kind = raw.get('type')
    if kind not in INTERFACE_TYPES:
        raise SpecError('%s.type must be one of %s, got %r' % (where, ', '.join(INTERFACE_TYPES), kind))
    if kind == 'routed':
        return _routed_nic(index, raw, where)
    source = raw.get('source')
    if not isinstance(source, str) or not source:
        raise SpecError('%s.source (the network, bridge or parent device) is required' % where)
    problem = (object_name_problem(source, '%s.source (a libvirt network)' % where) if kind == 'network'
               else ifname_problem(source, '%s.source' % where))
    if problem:
        raise SpecError(problem)
    if raw.get('ips') or raw.get('table') is not None:
        raise SpecError('%s: ips and table belong to type routed only' % where)
    mode = raw.get('mode')
    if kind == 'macvlan':
        mode = mode or 'bridge'
        if mode not in MACVLAN_MODES:
            raise SpecError('%s.mode must be a macvlan mode (%s), got %r' % (where, ', '.join(MACVLAN_MODES), mode))
    else:
        mode = None
    mac, model = _mac_and_model(raw, where)
    return NicSpec(index, kind, source, mode, mac, model, bool(raw.get('boot', False)))


def _mac_and_model(raw, where):
    mac = normalise_mac(raw['mac'], where + '.mac') if raw.get('mac') else None
    model = raw.get('model') or 'virtio'
    if model not in NIC_MODELS:
        raise SpecError('%s.model must be one of %s, got %r' % (where, ', '.join(NIC_MODELS), model))
    return mac, model


def _routed_nic(index, raw, where):
    """A tap the host routes ``ips`` to (Ganeti's routed mode), in routing table ``table``; the NIC hooks add
    the routes. The addresses and the table follow the hook's rules (nic_hooks.routed_claims)."""
    if raw.get('source') or raw.get('mode'):
        raise SpecError('%s: a routed interface has no source or mode (the host routes its ips to its tap)' % where)
    if not isinstance(raw.get('ips'), (list, tuple)) or not raw.get('ips'):
        raise SpecError('%s.ips: a routed interface needs the list of addresses to route to it' % where)
    if raw.get('table') is None or raw.get('table') == '':
        raise SpecError('%s.table: a routed interface needs a routing table of its own (a number the host\'s '
                        'libvirt_nic_hooks_routed_tables allows; the NIC hook never routes in main)' % where)
    try:
        ips = routed_claims.routed_addresses(raw['ips'])
        table = routed_claims.routed_table(raw['table'])
    except routed_claims.ClaimRefused as exc:
        raise SpecError('%s: %s' % (where, exc))
    mac, model = _mac_and_model(raw, where)
    return NicSpec(index, 'routed', None, None, mac, model, bool(raw.get('boot', False)), ips, table)


def _disk(name, index, raw):
    where = 'disks[%d]' % index
    if not isinstance(raw, dict):
        raise SpecError('%s must be a dict' % where)
    try:
        size = float(raw.get('size_gib'))
    except (TypeError, ValueError):
        raise SpecError('%s.size_gib must be a number of GiB, got %r' % (where, raw.get('size_gib')))
    if not math.isfinite(size) or not 0 < size <= MAX_DISK_GIB:
        raise SpecError('%s.size_gib must be a positive number of GiB up to %d, got %s' % (where, MAX_DISK_GIB, size))
    fmt = raw.get('format') or 'qcow2'
    if fmt not in DISK_FORMATS:
        raise SpecError('%s.format must be one of %s, got %r' % (where, ', '.join(DISK_FORMATS), fmt))
    bus = raw.get('bus') or 'virtio'
    if bus not in DISK_BUSES:
        raise SpecError('%s.bus must be one of %s, got %r' % (where, ', '.join(DISK_BUSES), bus))
    return DiskSpec(index, size, raw.get('pool') or 'default', fmt, bus, '%s-disk%d.%s' % (name, index, fmt))


# The NIC fields a spec uses; attachments from kvm_attachment_select carry informational ones besides.
NIC_FIELDS = ('type', 'source', 'mode', 'mac', 'model', 'boot', 'ips', 'table')


def nic_fields(interfaces):
    """The interfaces option reduced to the fields the spec uses (None values dropped)."""
    return [dict((k, nic[k]) for k in NIC_FIELDS if nic.get(k) is not None) for nic in interfaces or []]


def build_spec(params):
    """VmSpec from the module's parameters. Raises SpecError."""
    name = check_name(params.get('name'))
    memory = params.get('memory_mib')
    for option in ('memory_mib', 'vcpus'):
        if params.get(option) is not None and (isinstance(params[option], bool) or not isinstance(params[option], int)):
            raise SpecError('%s must be a whole number, got %r' % (option, params[option]))
    if memory is not None and memory < MIN_MEMORY_MIB:
        raise SpecError('memory_mib %s is below %d MiB; a PXE-booting VM needs at least that' % (memory, MIN_MEMORY_MIB))
    if memory is not None and memory > MAX_MEMORY_MIB:
        raise SpecError('memory_mib %s is above %d MiB (16 TiB)' % (memory, MAX_MEMORY_MIB))
    vcpus = params.get('vcpus')
    if vcpus is not None and not 1 <= vcpus <= MAX_VCPUS:
        raise SpecError('vcpus must be 1-%d, got %s' % (MAX_VCPUS, vcpus))
    nics = [_nic(i, raw) for i, raw in enumerate(params.get('interfaces') or [])]
    if sum(1 for n in nics if n.boot) > 1:
        raise SpecError('only one interface may have boot: true')
    macs = [n.mac for n in nics if n.mac]
    if len(set(macs)) != len(macs):
        raise SpecError('the same MAC address is given to two interfaces')
    routed_ips = [ip for n in nics for ip in n.ips]
    if len(set(routed_ips)) != len(routed_ips):
        raise SpecError('the same address is routed to two interfaces')
    disks = [_disk(name, i, raw) for i, raw in enumerate(params.get('disks') or [])]
    boot = list(params.get('boot') or ['network', 'hd'])
    for device in boot:
        if device not in BOOT_DEVICES:
            raise SpecError('boot entries must be network or hd, got %r' % device)
    if len(set(boot)) != len(boot):
        raise SpecError('boot lists a device twice: %s' % boot)
    machine = params.get('machine')
    if machine is not None and (not isinstance(machine, str) or not MACHINE_RE.match(machine)):
        raise SpecError('machine must be a QEMU machine type such as q35, pc or pc-q35-7.2, got %r' % (machine,))
    prefix = params.get('tap_prefix') or 'kn'
    if not TAP_PREFIX_RE.match(prefix) or prefix.startswith(RESERVED_TAP_PREFIXES):
        raise SpecError('tap_prefix must be 1-6 lower-case letters or digits, starting with a letter, and not '
                        'start with %s (libvirt renames those), got %r' % ('/'.join(RESERVED_TAP_PREFIXES), prefix))
    return VmSpec(name=name, vcpus=vcpus, memory_mib=memory, disks=disks, nics=nics, boot=boot,
                  domain_type=params.get('domain_type') or 'auto', machine=params.get('machine'),
                  firmware=params.get('firmware') or 'bios', tap_prefix=prefix)
