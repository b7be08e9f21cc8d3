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
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import domain_render

STATES = ('present', 'running', 'stopped', 'absent')

# What libvirt shows of the domain now; None when it does not exist.
DomainFound = namedtuple('DomainFound', 'xml running')


class ComposePlan(namedtuple('ComposePlan', 'steps xml created_volumes tracker')):
    """``steps``: ``(action, argument)`` in order - create_volume (a DiskSpec), destroy, undefine, define
    (the XML), start, stop, delete_volume ((pool, volume)). ``xml``: the persistent definition wanted."""

    __slots__ = ()

    @property
    def changed(self):
        return self.tracker.changed


def plan_compose(spec, found, identities, domain_type, missing_disks, state, recreate=False):
    """The plan for a VM that must exist (``state`` present, running or stopped)."""
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
    return ComposePlan(steps, xml, created, tracker)


def plan_removal(name, found, remove_storage):
    """The plan for ``state: absent``: power off, undefine, and delete the VM's own volumes when asked."""
    tracker = DifferenceTracker()
    if found is None:
        return ComposePlan([], None, [], tracker)
    tracker.add('%s (persistent XML)' % name, found.xml, '')
    steps = ([('destroy', None)] if found.running else []) + [('undefine', None)]
    if remove_storage:
        steps += [('delete_volume', volume) for volume in own_volumes(name, found.xml)]
    return ComposePlan(steps, None, [], tracker)


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
