# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shell (reaches libvirt through libvirt.connection, and reads /sys/class/net): what libvirt and the host hold
now, read for the plans of kvm_libvirt_network, kvm_storage_pool and kvm_vm_compose."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.host import sysfs
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import domain_render
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.connection import libvirt, lookup_or_none, read_or_gone
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.domain_events import state_word
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.domain_xml import parse_domain_xml
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_plan import NetworkFound, planned_network
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_spec import spec_from_xml
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.pool_plan import PoolFound
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.pool_render import pool_path
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.uri import is_local_uri
from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.compose_plan import DomainFound


class NotReady(Exception):
    """Something the request needs is not there; the message says what and what to do. Nothing was changed."""


def network_found(net):
    if net is None:
        return None
    return NetworkFound(net.XMLDesc(libvirt.VIR_NETWORK_XML_INACTIVE), bool(net.isActive()), bool(net.autostart()))


def network_summary(net):
    """The ``network`` result of kvm_libvirt_network for a network libvirt has."""
    summary = planned_network(net.name(), spec_from_xml(net.XMLDesc(0)), bool(net.isActive()), bool(net.autostart()))
    summary.update(uuid=net.UUIDString(), persistent=bool(net.isPersistent()))
    return summary


def domains_on_network(conn, name):
    """The running domains with a NIC on libvirt network ``name``, sorted."""
    found = []
    for dom in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE):
        xml = read_or_gone(lambda dom=dom: dom.XMLDesc(0))
        if xml is not None and any(i['network'] == name for i in parse_domain_xml(xml)['interfaces']):
            found.append(dom.name())
    return sorted(found)


def pool_found(pool):
    if pool is None:
        return None
    return PoolFound(pool_path(pool.XMLDesc(0)), bool(pool.isActive()), bool(pool.autostart()))


def domain_found(dom):
    if dom is None:
        return None
    return DomainFound(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE), bool(dom.isActive()))


def domain_state(dom):
    return state_word(dom.state()[0]) if dom is not None else 'absent'


def host_bridge_problem(uri, name):
    """The rule for a host bridge a network or a NIC attaches to: on this host (a local URI) it must exist and be
    a bridge. -> None, or what is wrong (the caller says where and what to do). Remote hosts are not looked at."""
    if not is_local_uri(uri):
        return None
    if not sysfs.device_exists(name):
        return 'host device %s does not exist' % name
    if not sysfs.is_bridge(name):
        return 'host device %s is not a bridge' % name
    return None


def check_nic_sources(conn, spec, uri):
    """Every network or host device a NIC of ``spec`` points at exists; raise NotReady before any change."""
    for nic in spec.nics:
        where = 'interfaces[%d]' % nic.index
        if nic.type == 'network' and lookup_or_none(conn.networkLookupByName, nic.source) is None:
            raise NotReady('%s: libvirt network %s does not exist (kvm_network_facts lists the networks)'
                           % (where, nic.source))
        if nic.type == 'bridge' and host_bridge_problem(uri, nic.source):
            raise NotReady('%s: %s; use type macvlan for a NIC, bond or VLAN, or build the bridge (role '
                           'kvmnet.netboot.maas_bridge)' % (where, host_bridge_problem(uri, nic.source)))
        if nic.type == 'macvlan' and is_local_uri(uri) and not sysfs.device_exists(nic.source):
            raise NotReady('%s: host device %s does not exist' % (where, nic.source))


def active_pools(conn, spec):
    """The active storage pool of every disk of ``spec``, by name; raise NotReady when one is missing or stopped."""
    pools = {}
    for disk in spec.disks:
        if disk.pool in pools:
            continue
        pool = lookup_or_none(conn.storagePoolLookupByName, disk.pool)
        if pool is None:
            raise NotReady('disks[%d]: storage pool %s does not exist; define it (virsh pool-define-as %s dir '
                           '--target /var/lib/libvirt/images) or set pool' % (disk.index, disk.pool, disk.pool))
        if not pool.isActive():
            raise NotReady('disks[%d]: storage pool %s is not active; start it (virsh pool-start %s)'
                           % (disk.index, disk.pool, disk.pool))
        pools[disk.pool] = pool
    return pools


def missing_disks(pools, spec):
    return [disk for disk in spec.disks
            if lookup_or_none(pools[disk.pool].storageVolLookupByName, disk.volume) is None]


def identities_in_use(conn, own_name):
    """MACs and tap/macvtap names used by other domains (persistent and live) and by host links.

    The VM's own running taps are host links too; they stay its own.
    """
    macs, taps, own = set(), set(), set()
    for dom in conn.listAllDomains(0):
        xmls = read_or_gone(lambda dom=dom: [dom.XMLDesc(flag) for flag in (
            [0, libvirt.VIR_DOMAIN_XML_INACTIVE] if dom.isActive() else [0])])
        for xml in xmls or []:  # a domain undefined since it was listed uses nothing any more
            for mac, target in domain_render.interfaces_of(xml):
                if dom.name() == own_name:
                    own.update(x for x in (mac, target) if x)
                    continue
                macs.update([mac] if mac else [])
                taps.update([target] if target else [])
    for link, mac in sysfs.link_names_and_macs().items():
        if link not in own:
            taps.add(link)
        if mac and mac not in own:
            macs.add(mac)
    return macs, taps
