# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Decide what kvm_vm_compose does to a domain: create its volumes, define it (new, updated in place,
or undefined and defined again with ``recreate``), start or stop it - or remove it.

Pure: the module reads the domain (its inactive XML and whether it runs), the NIC identities and the
volumes that are missing, calls these functions, and executes the steps in order behind its
check-mode gate. Every compared field goes into one DifferenceTracker.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.diff import DifferenceTracker
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.plan import Plan
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import domain_render

STATES = ('present', 'running', 'stopped', 'absent')
# The steps that power the VM on or off: they run after the definition, outside the host lock that
# allocating MACs and tap names needs (a start waits for QEMU).
POWER_ACTIONS = ('start', 'stop')

# What libvirt shows of the domain now; None when it does not exist.
DomainFound = namedtuple('DomainFound', 'xml running')


def plan_compose(spec, found, identities, domain_type, missing_disks, state, recreate=False):
    """The Plan for a VM that must exist (``state`` present, running or stopped). Steps, in order: create_volume
    (a DiskSpec), destroy, undefine, define (the XML), start, stop. ``predicted``: ``xml`` (the persistent
    definition wanted) and ``created_volumes``."""
    tracker = DifferenceTracker()
    before_xml = found.xml if found is not None else None
    if before_xml is not None and not recreate:
        xml = domain_render.render(spec, identities, domain_type, before_xml)
    else:  # a fresh definition: nothing of the old one carries over but MACs and tap names
        xml = domain_render.render(spec, identities, domain_type)
    redefine = before_xml is None or _comparable(before_xml, spec) != _comparable(xml, spec)
    tracker.add('%s (persistent XML)' % spec.name, before_xml or '', xml if redefine else before_xml)
    created = ['%s/%s' % (d.pool, d.volume) for d in missing_disks]
    tracker.add('volumes created', [], created)
    steps = [('create_volume', disk) for disk in missing_disks]
    running = bool(found and found.running)
    if redefine:
        if found is not None and recreate:
            steps += ([('destroy', None)] if running else []) + [('undefine', None)]
            running = False
        steps.append(('define', xml))
    want_running = {'running': True, 'stopped': False}.get(state, running)
    tracker.add('running', bool(found and found.running), want_running)
    if want_running and not running:
        steps.append(('start', None))
    elif running and not want_running:
        steps.append(('stop', None))
    return Plan(steps, tracker, {'xml': xml, 'created_volumes': created})


def plan_removal(name, found, remove_storage, uuid=None):
    """The Plan for ``state: absent``: power off, undefine, and delete the VM's own volumes when asked (steps
    destroy, undefine, delete_volume ((pool, volume)))."""
    tracker = DifferenceTracker()
    steps = []
    if found is not None:
        tracker.add('%s (persistent XML)' % name, found.xml, '')
        steps = ([('destroy', None)] if found.running else []) + [('undefine', None)]
        if remove_storage:
            steps += [('delete_volume', volume) for volume in own_volumes(name, found.xml)]
    return Plan(steps, tracker, {'domain': {'name': name, 'uuid': uuid, 'state': 'absent'},
                                 'removed_volumes': ['%s/%s' % step[1] for step in steps if step[0] == 'delete_volume']})


def own_volumes(name, xml):
    """(pool, volume) of the disks kvm_vm_compose made for VM ``name`` (named ``<name>-disk<N>...``)."""
    return [(d['pool'], d['volume']) for d in domain_render.summary(xml)['disks']
            if d['pool'] and d['volume'] and d['volume'].startswith(name + '-disk')]


def _comparable(xml, spec):
    return domain_render.comparable(domain_render.summary(xml), spec)


def restart_required(live_xml, persistent_xml):
    """The running VM runs an older definition than the persistent one: NICs (but their live tap
    names and types, which libvirt fills in), their number, memory or vCPUs differ."""
    live = domain_render.summary(live_xml)
    persistent = domain_render.summary(persistent_xml)

    def nic(record):
        return dict((k, v) for k, v in record.items() if k not in ('target', 'type'))
    if len(live['interfaces']) != len(persistent['interfaces']):
        return True
    if any(nic(a) != nic(b) for a, b in zip(live['interfaces'], persistent['interfaces'])):
        return True
    return live['memory_mib'] != persistent['memory_mib'] or live['vcpus'] != persistent['vcpus']


def compose_outcome(spec, xml, live_xml, domain, running, power):
    """kvm_vm_compose's result for a VM that exists (or will, in check mode): its definition, each NIC with the MAC
    and tap it got (from the live definition while it runs), the boot NIC's MAC, whether a restart is needed, and
    what MAAS needs. ``domain``: {name, uuid, state}; ``running``: (wanted, now); ``power``: a function of the
    PXE MAC giving the ``maas`` result (maas.power.power_details)."""
    nics = [{'mac': mac, 'target': target, 'type': nic.type, 'source': nic.source, 'mode': nic.mode,
             'ips': list(nic.ips), 'table': nic.table}
            for nic, (mac, target) in zip(spec.nics, domain_render.interfaces_of(live_xml))]
    boot = spec.boot_nic
    pxe_mac = nics[boot.index]['mac'] if boot is not None and nics else None
    return {'xml': xml, 'interfaces': nics, 'pxe_mac': pxe_mac, 'domain': domain, 'maas': power(pxe_mac),
            'restart_required': bool(all(running) and restart_required(live_xml, xml))}
